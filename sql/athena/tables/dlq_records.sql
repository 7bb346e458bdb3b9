-- dlq_records: records the streaming job rejected, with the reason (zstd Parquet), by arrival time.
-- Grain: one row per rejected record. Source: dlq/ in the lake (Hive-style dt=/hr= partitions),
-- found by partition projection (no crawler, no MSCK); :location is that prefix, filled in at creation.
create external table if not exists dlq_records (
    raw string,
    reason string,
    received_at timestamp,
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
