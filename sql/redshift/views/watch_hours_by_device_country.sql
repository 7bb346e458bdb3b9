-- watch_hours_by_device_country: hours watched each day by device type and country.
-- Grain: one row per (dt, device_type, country). Source: fact_device_daily.
create or replace view watch_hours_by_device_country as
with device_days as (
    select
        dt,
        device_type,
        country,
        sessions,
        users,
        watch_time_ms,
        avg_session_ms
    from fact_device_daily
)

select
    dt,
    device_type,
    country,
    sessions,
    users,
    round(watch_time_ms / 3600000.0, 2) as watch_hours,
    round(avg_session_ms / 60000.0, 1) as avg_session_minutes
from device_days;
