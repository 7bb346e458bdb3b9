-- raw/ zone (DESIGN §5): JSON lines exactly as received, Hive partitions dt/hr of event time (UTC).
create temporary table raw_sink (
    `record` string,
    dt string,
    hr string
) partitioned by (dt, hr) with (
    'connector' = 'filesystem',
    'path' = {{ path | literal }},
    'format' = 'raw',
{{ file_options | options }}
)
