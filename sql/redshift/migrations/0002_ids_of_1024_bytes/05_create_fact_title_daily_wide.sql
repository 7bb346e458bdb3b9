-- 05_create_fact_title_daily_wide: fact_title_daily in the current layout (ids varchar(1024)), empty.
-- Grain: one row per (dt, title_id). Source: none; sql/redshift/ddl/fact_title_daily.sql under another name.
-- Redshift cannot widen a primary-key column in place, nor any column inside a transaction: a deep copy.
create table fact_title_daily_wide (
    dt date not null,
    title_id varchar(1024) not null,
    play_starts bigint,
    watch_time_ms bigint,
    peak_5m_viewers bigint,
    watch_rank integer not null,
    primary key (dt, title_id)
)
diststyle even
compound sortkey (dt, watch_rank);
