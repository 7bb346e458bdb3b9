-- fact_watch_session: viewing sessions with their watch time (DESIGN §4), by the dt of session_start.
-- Grain: one row per session. Source: processed/sessions via stg_watch_session.
-- Keys: distkey user_id co-locates it with fact_user_daily and keeps a user's sessions on one slice;
-- compound sortkey (dt, session_start) prunes blocks for the per-day length and binge views.
create table if not exists fact_watch_session (
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
