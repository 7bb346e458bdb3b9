-- stream_progress: how far the streaming job's event time has got, one row per closed 5-minute window.
-- Grain: one row per event-time window with on-time playback. Source: processed/stream_progress/ (dt=/hr=
-- partitions, by window_start), found by partition projection; :location is that prefix, filled in at creation.
create external table if not exists stream_progress (
    window_start timestamp,
    window_end timestamp,
    titles bigint
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
