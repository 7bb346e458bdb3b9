-- merge_fact_watch_session: upsert stg_watch_session into fact_watch_session for one dt; a rerun changes nothing.
-- Grain: one row per session. Source: stg_watch_session; :dt is the day being loaded.
merge into fact_watch_session
using stg_watch_session
    on
        fact_watch_session.dt = cast(:dt as date)
        and fact_watch_session.session_id = stg_watch_session.session_id
when matched then
    update set
        user_id = stg_watch_session.user_id,
        device_id = stg_watch_session.device_id,
        device_type = stg_watch_session.device_type,
        country = stg_watch_session.country,
        session_start = stg_watch_session.session_start,
        session_end = stg_watch_session.session_end,
        duration_ms = stg_watch_session.duration_ms,
        event_count = stg_watch_session.event_count,
        play_count = stg_watch_session.play_count,
        titles_watched = stg_watch_session.titles_watched,
        watch_time_ms = stg_watch_session.watch_time_ms
when not matched then
    insert (
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
    values (
        cast(:dt as date),
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
        stg_watch_session.watch_time_ms
    );
