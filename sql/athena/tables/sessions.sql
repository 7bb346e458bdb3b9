-- sessions: viewing sessions from the streaming job (Parquet, DESIGN §4-5), by session_start.
-- Grain: one row per session. Source: processed/sessions/ in the lake (Hive-style dt=/hr= partitions),
-- found by partition projection (no crawler, no MSCK); :location is that prefix, filled in at creation.
create external table if not exists sessions (
    session_id string,
    user_id string,
    device_id string,
    device_type string,
    country string,
    session_start timestamp,
    session_end timestamp,
    duration_ms bigint,
    event_count bigint,
    play_count bigint,
    titles_watched bigint,
    watch_time_ms bigint
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
