-- processed/sessions (DESIGN §5): Parquet, one row per session, partitions dt/hr of session_start.
create temporary table sessions_sink (
    session_id string,
    user_id string,
    device_id string,
    device_type string,
    country string,
    session_start timestamp(3),
    session_end timestamp(3),
    duration_ms bigint,
    event_count bigint,
    play_count bigint,
    titles_watched bigint,
    watch_time_ms bigint,
    dt string,
    hr string
) partitioned by (dt, hr) with (
    'connector' = 'filesystem',
    'path' = {{ path | literal }},
    'format' = 'parquet',
{{ file_options | options }}
)
