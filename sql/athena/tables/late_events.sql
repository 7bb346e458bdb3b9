-- late_events: events that arrived behind the watermark (JSON lines), by event time.
-- Grain: one row per late event. Source: late/ in the lake (Hive-style dt=/hr= partitions),
-- found by partition projection (no crawler, no MSCK); :location is that prefix, filled in at creation.
create external table if not exists late_events (
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
    received_at string
)
partitioned by (dt string, hr string)
row format serde 'org.openx.data.jsonserde.JsonSerDe'
stored as
inputformat 'org.apache.hadoop.mapred.TextInputFormat'
outputformat 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
location :location
tblproperties (
    'projection.enabled' = 'true',
    'projection.dt.type' = 'date',
    'projection.dt.format' = 'yyyy-MM-dd',
    'projection.dt.range' = '2024-01-01,NOW',
    'projection.dt.interval' = '1',
    'projection.dt.interval.unit' = 'DAYS',
    'projection.hr.type' = 'integer',
    'projection.hr.range' = '0,23',
    'projection.hr.digits' = '2'
);
