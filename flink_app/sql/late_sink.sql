-- late/ zone (DESIGN §5): JSON lines of the event's fields plus received_at, partitions dt/hr of event time.
create temporary table late_sink (
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
    received_at string,
    dt string,
    hr string
) partitioned by (dt, hr) with (
    'connector' = 'filesystem',
    'path' = {{ path | literal }},
    'format' = 'json',
    'json.encode.ignore-null-fields' = 'true',
{{ file_options | options }}
)
