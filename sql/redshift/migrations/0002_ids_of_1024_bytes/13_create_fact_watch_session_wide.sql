-- 13_create_fact_watch_session_wide: fact_watch_session in the current layout (ids varchar(1024)), empty.
-- Grain: one row per session. Source: none; sql/redshift/ddl/fact_watch_session.sql under another name.
-- Redshift cannot widen a primary-key column in place, nor any column inside a transaction: a deep copy.
create table fact_watch_session_wide (
    session_id varchar(64) not null,
    dt date not null,
    user_id varchar(1024) not null,
    device_id varchar(1024) not null,
    device_type varchar(16),
    country varchar(8),
    session_start timestamp not null,
    session_end timestamp not null,
    duration_ms bigint,
    event_count bigint,
    play_count bigint,
    titles_watched bigint,
    watch_time_ms bigint,
    primary key (session_id)
)
diststyle key
distkey (user_id)
compound sortkey (dt, session_start);
