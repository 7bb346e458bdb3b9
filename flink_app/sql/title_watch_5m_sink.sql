-- processed/title_watch_5m (DESIGN §5): Parquet, one row per (window, title), partitions dt/hr of window_start.
create temporary table title_watch_5m_sink (
    window_start timestamp(3),
    window_end timestamp(3),
    title_id string,
    play_starts bigint,
    unique_viewers bigint,
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
