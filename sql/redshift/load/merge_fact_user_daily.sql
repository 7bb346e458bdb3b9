-- merge_fact_user_daily: upsert stg_user_daily into fact_user_daily for one dt; a rerun changes nothing.
-- Grain: one row per (dt, user_id). Source: stg_user_daily; :dt is the day being loaded.
merge into fact_user_daily
using stg_user_daily
    on
        fact_user_daily.dt = cast(:dt as date)
        and fact_user_daily.user_id = stg_user_daily.user_id
when matched then
    update set
        sessions = stg_user_daily.sessions,
        devices = stg_user_daily.devices,
        watch_time_ms = stg_user_daily.watch_time_ms,
        total_session_ms = stg_user_daily.total_session_ms,
        first_session_start = stg_user_daily.first_session_start,
        last_session_end = stg_user_daily.last_session_end
when not matched then
    insert (
        dt,
        user_id,
        sessions,
        devices,
        watch_time_ms,
        total_session_ms,
        first_session_start,
        last_session_end
    )
    values (
        cast(:dt as date),
        stg_user_daily.user_id,
        stg_user_daily.sessions,
        stg_user_daily.devices,
        stg_user_daily.watch_time_ms,
        stg_user_daily.total_session_ms,
        stg_user_daily.first_session_start,
        stg_user_daily.last_session_end
    );
