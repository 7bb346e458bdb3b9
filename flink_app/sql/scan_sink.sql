-- Benchmark only: a sink that discards every row, for the scan jobs `streamwatch bench` compares
-- the full job against (the job's own source, or Flink's json format, and nothing downstream).
create temporary table scan_sink (
    `record` string,
    arrival timestamp(3),
    event_time timestamp(3),
    reject_reason string,
    event_id string,
    event_type string,
    event_ts string,
    user_id string,
    device_id string,
    device_type string,
    country string,
    title_id string,
    position_ms bigint,
    search_query string,
    app_version string,
    schema_version int,
    sent_at string,
    shard_id string,
    sequence_number string
) with (
    'connector' = 'blackhole'
)
