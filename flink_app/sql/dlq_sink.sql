-- dlq/ zone (DESIGN §5): Parquet (zstd), one row per rejected record exactly as received, with the
-- reason, its arrival (received_at), shard and sequence number; partitions dt/hr of arrival (UTC).
create temporary table dlq_sink (
    `raw` string,
    reason string,
    received_at timestamp(3),
    shard_id string,
    sequence_number string,
    dt string,
    hr string
) partitioned by (dt, hr) with (
    'connector' = 'filesystem',
    'path' = {{ path | literal }},
    'format' = 'parquet',
    'parquet.utc-timezone' = 'true',
    'parquet.compression' = 'ZSTD',
{{ file_options | options }}
)
