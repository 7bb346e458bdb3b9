-- create_stg_user_daily: this load's own staging table, for one dt as COPY lands it, duplicates included.
-- Grain: one row per user_id. Source: curated/daily_user_engagement/dt=.../ via copy_stg_user_daily.
-- Temporary: it lives in this load's session only, so two loads never share it. COPY maps by position.
create temporary table stg_user_daily (
    user_id varchar(1024),
    sessions bigint,
    devices bigint,
    watch_time_ms bigint,
    total_session_ms bigint,
    first_session_start timestamp,
    last_session_end timestamp
)
diststyle key
distkey (user_id);
