-- stg_watch_session: one dt of processed/sessions, as COPY lands it before the merge.
-- Grain: one row per session. Source: processed/sessions/dt=.../ via copy_stg_watch_session.
-- Columns in the files' order (COPY maps by position). Keys: distkey user_id, like fact_watch_session.
create table if not exists stg_watch_session (
    session_id varchar(64),
    user_id varchar(64),
    device_id varchar(64),
    device_type varchar(16),
    country varchar(8),
    session_start timestamp,
    session_end timestamp,
    duration_ms bigint,
    event_count bigint,
    play_count bigint,
    titles_watched bigint,
    watch_time_ms bigint
)
diststyle key
distkey (user_id);
