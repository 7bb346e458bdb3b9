-- merge_fact_device_daily: upsert stg_device_daily into fact_device_daily for one dt; a rerun changes nothing.
-- Grain: one row per (dt, device_type, country). Source: stg_device_daily; :dt is the day being loaded.
merge into fact_device_daily
using stg_device_daily
    on
        fact_device_daily.dt = cast(:dt as date)
        and fact_device_daily.device_type = stg_device_daily.device_type
        and fact_device_daily.country = stg_device_daily.country
when matched then
    update set
        sessions = stg_device_daily.sessions,
        users = stg_device_daily.users,
        watch_time_ms = stg_device_daily.watch_time_ms,
        avg_session_ms = stg_device_daily.avg_session_ms
when not matched then
    insert (
        dt,
        device_type,
        country,
        sessions,
        users,
        watch_time_ms,
        avg_session_ms
    )
    values (
        cast(:dt as date),
        stg_device_daily.device_type,
        stg_device_daily.country,
        stg_device_daily.sessions,
        stg_device_daily.users,
        stg_device_daily.watch_time_ms,
        stg_device_daily.avg_session_ms
    );
