-- play_starts_1m: play starts per minute by country and device type (Parquet), by window_start.
-- Grain: one row per (minute, country, device_type) with a play. Source: processed/play_starts_1m/
-- in the lake (Hive-style dt=/hr= partitions),
-- found by partition projection (no crawler, no MSCK); :location is that prefix, filled in at creation.
create external table if not exists play_starts_1m (
    window_start timestamp,
    window_end timestamp,
    country string,
    device_type string,
    play_starts bigint
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
