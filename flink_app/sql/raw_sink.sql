-- raw/ zone (DESIGN §5): Parquet (zstd), one row per valid record exactly as received, with its
-- arrival, shard and sequence number; Hive partitions dt/hr of event time (UTC).
create temporary table raw_sink (
    `record` string,
    arrival timestamp(3),
    shard_id string,
    sequence_number string,
    dt string,
    hr string
) partitioned by (dt, hr) with (
    'connector' = 'filesystem',
    'path' = {{ path | literal }},
    'format' = 'parquet',
    -- Flink writes TIMESTAMP as INT96; UTC makes every reader (Athena, Spark, DuckDB) see UTC.
    'parquet.utc-timezone' = 'true',
    'parquet.compression' = 'ZSTD',
{{ file_options | options }}
)
