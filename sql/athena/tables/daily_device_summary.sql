-- daily_device_summary: viewing of a day by device type and country, from the Glue batch (Parquet).
-- Grain: one row per (dt, device_type, country). Source: curated/daily_device_summary/ (dt= partitions),
-- found by partition projection (no crawler, no MSCK); :location is that prefix, filled in at creation.
create external table if not exists daily_device_summary (
    device_type string,
    country string,
    sessions bigint,
    users bigint,
    watch_time_ms bigint,
    avg_session_ms double
)
partitioned by (dt string)
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
    'projection.dt.interval.unit' = 'DAYS'
);
