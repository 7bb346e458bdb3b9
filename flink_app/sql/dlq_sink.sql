-- dlq/ zone (DESIGN §5): JSON lines {raw, reason, received_at}, Hive partitions dt/hr of arrival (UTC).
create temporary table dlq_sink (
    `raw` string,
    reason string,
    received_at string,
    dt string,
    hr string
) partitioned by (dt, hr) with (
    'connector' = 'filesystem',
    'path' = {{ path | literal }},
    'format' = 'json',
{{ file_options | options }}
)
