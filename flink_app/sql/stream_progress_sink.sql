-- processed/stream_progress: Parquet, one row per 5-minute event-time window the watermark has
-- passed, partitions dt/hr of window_start.
create temporary table stream_progress_sink (
    window_start timestamp(3),
    window_end timestamp(3),
    titles bigint,
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
