-- late_events: events that arrived behind the watermark (zstd Parquet), by event time.
-- Grain: one row per late event (a redelivery the dedup had let go included). Source: late/ in the lake
-- (Hive-style dt=/hr= partitions), found by partition projection; :location is that prefix, filled in at creation.
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
    sent_at string,
    schema_version int,
    received_at timestamp
)
partitioned by (dt string, hr string)
row format serde 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'
stored as
inputformat 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat'
outputformat 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat'
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
