-- fact_user_daily: each user's viewing of a day (sessions, devices, watch time, first and last session).
-- Grain: one row per (dt, user_id). Source: curated/daily_user_engagement via stg_user_daily.
-- Keys: distkey user_id co-locates it with fact_watch_session and makes distinct-user counts slice-local;
-- compound sortkey (dt, user_id) serves the per-day active-user counts.
create table if not exists fact_user_daily (
    dt date not null,
    user_id varchar(1024) not null,
    sessions bigint,
    devices bigint,
    watch_time_ms bigint,
    total_session_ms bigint,
    first_session_start timestamp,
    last_session_end timestamp,
    primary key (dt, user_id)
)
diststyle key
distkey (user_id)
compound sortkey (dt, user_id);
