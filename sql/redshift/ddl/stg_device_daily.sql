-- stg_device_daily: one dt of curated/daily_device_summary, as COPY lands it before the merge.
-- Grain: one row per (device_type, country). Source: curated/daily_device_summary/dt=.../ via copy_stg_device_daily.
-- Columns in the files' order (COPY maps by position). Keys: diststyle all, like fact_device_daily.
create table if not exists stg_device_daily (
    device_type varchar(16),
    country varchar(8),
    sessions bigint,
    users bigint,
    watch_time_ms bigint,
    avg_session_ms double precision
)
diststyle all;
