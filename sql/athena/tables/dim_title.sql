-- dim_title: the title catalog as of each dt, from the Glue batch (Parquet).
-- Grain: one row per (dt, title_id). Source: curated/dim_title/ in the lake (Hive-style dt= partitions),
-- found by partition projection (no crawler, no MSCK); :location is that prefix, filled in at creation.
create external table if not exists dim_title (
    title_id string,
    name string,
    kind string,
    genre string,
    release_year int,
    runtime_ms bigint
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
