-- daily_title_popularity: each title's popularity of a day, from the Glue batch (Parquet).
-- Grain: one row per (dt, title_id). Source: curated/daily_title_popularity/ in the lake (Hive-style dt= partitions),
-- found by partition projection (no crawler, no MSCK); :location is that prefix, filled in at creation.
create external table if not exists daily_title_popularity (
    title_id string,
    play_starts bigint,
    watch_time_ms bigint,
    peak_5m_viewers bigint,
    watch_rank int
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
