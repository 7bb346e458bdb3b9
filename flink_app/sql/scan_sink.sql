-- Benchmark only: a sink that discards every row, for the scan-only job (same source and parsing
-- as the full job, nothing downstream) that `streamwatch bench` compares the full job against.
create temporary table scan_sink (
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
    event_time timestamp(3),
    reject_reason string
) with (
    'connector' = 'blackhole'
)
