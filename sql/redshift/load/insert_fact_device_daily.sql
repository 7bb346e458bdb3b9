-- insert_fact_device_daily: the day's rows of stg_device_daily, one per key (the day was cleared before).
-- Grain: one row per (dt, device_type, country). Source: stg_device_daily; :dt is the day being loaded.
-- A key staged twice counts once: the copy with the greater measures is kept (batch/dedup.py's rule).
insert into fact_device_daily (
    dt,
    device_type,
    country,
    sessions,
    users,
    watch_time_ms,
    avg_session_ms
)
select
    cast(:dt as date) as dt,
    ranked.device_type,
    ranked.country,
    ranked.sessions,
    ranked.users,
    ranked.watch_time_ms,
    ranked.avg_session_ms
from (
    select
        stg_device_daily.device_type,
        stg_device_daily.country,
        stg_device_daily.sessions,
        stg_device_daily.users,
        stg_device_daily.watch_time_ms,
        stg_device_daily.avg_session_ms,
        row_number() over (
            partition by stg_device_daily.device_type, stg_device_daily.country
            order by
                stg_device_daily.sessions desc nulls last,
                stg_device_daily.watch_time_ms desc nulls last,
                stg_device_daily.users desc nulls last,
                stg_device_daily.avg_session_ms desc nulls last
        ) as copy_rank
    from stg_device_daily
) as ranked
where ranked.copy_rank = 1;
