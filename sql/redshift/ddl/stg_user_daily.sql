-- stg_user_daily: one dt of curated/daily_user_engagement, as COPY lands it before the merge.
-- Grain: one row per user_id. Source: curated/daily_user_engagement/dt=.../ via copy_stg_user_daily.
-- Columns in the files' order (COPY maps by position). Keys: distkey user_id, like fact_user_daily.
create table if not exists stg_user_daily (
    user_id varchar(64),
    sessions bigint,
    devices bigint,
    watch_time_ms bigint,
    total_session_ms bigint,
    first_session_start timestamp,
    last_session_end timestamp
)
diststyle key
distkey (user_id);
