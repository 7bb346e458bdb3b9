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
    -- Flink writes TIMESTAMP as INT96; UTC makes every reader (Athena, Spark, DuckDB) see UTC.
    'parquet.utc-timezone' = 'true',
    'parquet.compression' = 'SNAPPY',
{{ file_options | options }}
)
