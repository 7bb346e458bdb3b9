-- create_stg_device_daily: this load's own staging table, for one dt as COPY lands it, duplicates included.
-- Grain: one row per (device_type, country). Source: curated/daily_device_summary/dt=.../ via copy_stg_device_daily.
-- Temporary: it lives in this load's session only, so two loads never share it. COPY maps by position.
create temporary table stg_device_daily (
    device_type varchar(16),
    country varchar(8),
    sessions bigint,
    users bigint,
    watch_time_ms bigint,
    avg_session_ms double precision
)
diststyle all;
