-- fact_device_daily: viewing of a day by device type and country.
-- Grain: one row per (dt, device_type, country). Source: curated/daily_device_summary via stg_device_daily.
-- Keys: diststyle all, as it is tiny (device types x countries per day); compound sortkey (dt, device_type).
create table if not exists fact_device_daily (
    dt date not null,
    device_type varchar(16) not null,
    country varchar(8) not null,
    sessions bigint,
    users bigint,
    watch_time_ms bigint,
    avg_session_ms double precision,
    primary key (dt, device_type, country)
)
diststyle all
compound sortkey (dt, device_type);
