-- create_stg_watch_session: this load's own staging table, for one dt as COPY lands it, duplicates included.
-- Grain: one row per session. Source: processed/sessions/dt=.../ via copy_stg_watch_session.
-- Temporary: it lives in this load's session only, so two loads never share it. COPY maps by position.
create temporary table stg_watch_session (
    session_id varchar(64),
    user_id varchar(1024),
    device_id varchar(1024),
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
