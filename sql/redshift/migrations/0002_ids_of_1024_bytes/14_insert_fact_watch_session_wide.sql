-- 14_insert_fact_watch_session_wide: every row of the old fact_watch_session, unchanged, in the widened copy.
-- Grain: one row per session. Source: fact_watch_session as an earlier version created it (ids varchar(64)).
insert into fact_watch_session_wide (
    session_id,
    dt,
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
    fact_watch_session.session_id,
    fact_watch_session.dt,
    fact_watch_session.user_id,
    fact_watch_session.device_id,
    fact_watch_session.device_type,
    fact_watch_session.country,
    fact_watch_session.session_start,
    fact_watch_session.session_end,
    fact_watch_session.duration_ms,
    fact_watch_session.event_count,
    fact_watch_session.play_count,
    fact_watch_session.titles_watched,
    fact_watch_session.watch_time_ms
from fact_watch_session;
