-- processed/play_starts_1m: Parquet, one row per (minute, country, device_type), partitions
-- dt/hr of window_start.
create temporary table play_starts_1m_sink (
    window_start timestamp(3),
    window_end timestamp(3),
    country string,
    device_type string,
    play_starts bigint,
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
