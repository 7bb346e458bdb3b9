-- late/ zone (DESIGN §5): Parquet (zstd), one row per late event: its contract fields and when it
-- arrived (received_at); partitions dt/hr of event time.
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
    sent_at string,
    schema_version int,
    received_at timestamp(3),
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
