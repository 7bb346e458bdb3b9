-- 09_create_fact_user_daily_wide: fact_user_daily in the current layout (ids varchar(1024)), empty.
-- Grain: one row per (dt, user_id). Source: none; sql/redshift/ddl/fact_user_daily.sql under another name.
-- Redshift cannot widen a primary-key column in place, nor any column inside a transaction: a deep copy.
create table fact_user_daily_wide (
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
