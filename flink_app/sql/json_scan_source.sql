-- Benchmark only: the yardstick of `streamwatch bench`. Flink's built-in json format reading the
-- same JSONL file into typed columns (no validation, no DLQ): the engine's own best at scanning
-- the input. One row per line.
create temporary table json_scan_source (
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
    sent_at string
) with (
    'connector' = 'filesystem',
    'path' = {{ path | literal }},
    'format' = 'json',
    'json.ignore-parse-errors' = 'true'
)
