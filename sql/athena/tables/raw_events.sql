-- raw_events: valid records exactly as received, with when and where Kinesis received them (zstd Parquet).
-- Grain: one row per valid record, redeliveries and late events included. Source: raw/ in the lake (dt=/hr=
-- of event time), found by partition projection (no crawler, no MSCK); :location is that prefix, filled in at creation.
create external table if not exists raw_events (
    record string,
    arrival timestamp,
    shard_id string,
    sequence_number string
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
