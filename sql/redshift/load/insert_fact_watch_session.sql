-- insert_fact_watch_session: the day's rows of stg_watch_session, one per key (the day was cleared before).
-- Grain: one row per session. Source: stg_watch_session; :dt is the day being loaded.
-- A session_id staged twice (processed/ re-read after a restart) counts once: the copy with the most
-- events, then the latest end, is kept - the order batch/dedup.py uses for curated/.
insert into fact_watch_session (
    dt,
    session_id,
    user_id,
    device_id,
    device_type,
    country,
    session_start,
    session_end,
    duration_ms,
    event_count,
    play_count,
    titles_watched,
    watch_time_ms
)
select
    cast(:dt as date) as dt,
    ranked.session_id,
    ranked.user_id,
    ranked.device_id,
    ranked.device_type,
    ranked.country,
    ranked.session_start,
    ranked.session_end,
    ranked.duration_ms,
    ranked.event_count,
    ranked.play_count,
    ranked.titles_watched,
    ranked.watch_time_ms
from (
    select
        stg_watch_session.session_id,
        stg_watch_session.user_id,
        stg_watch_session.device_id,
        stg_watch_session.device_type,
        stg_watch_session.country,
        stg_watch_session.session_start,
        stg_watch_session.session_end,
        stg_watch_session.duration_ms,
        stg_watch_session.event_count,
        stg_watch_session.play_count,
        stg_watch_session.titles_watched,
        stg_watch_session.watch_time_ms,
        row_number() over (
            partition by stg_watch_session.session_id
            order by
                stg_watch_session.event_count desc nulls last,
                stg_watch_session.session_end desc nulls last,
                stg_watch_session.watch_time_ms desc nulls last,
                stg_watch_session.duration_ms desc nulls last,
                stg_watch_session.play_count desc nulls last,
                stg_watch_session.titles_watched desc nulls last,
                stg_watch_session.session_start asc nulls last,
                stg_watch_session.user_id asc nulls last,
                stg_watch_session.device_id asc nulls last,
                stg_watch_session.device_type asc nulls last,
                stg_watch_session.country asc nulls last
        ) as copy_rank
    from stg_watch_session
) as ranked
where ranked.copy_rank = 1;
