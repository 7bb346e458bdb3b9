-- Benchmark only: Flink's json format scanning the input into a blackhole (the baseline of the
-- throughput ratio). One row per line. Source: json_scan_source.
insert into scan_sink
select
    cast(null as string), cast(null as timestamp(3)), cast(null as timestamp(3)), cast(null as string),
    event_id, event_type, event_ts, user_id, device_id, device_type, country, title_id, position_ms,
    search_query, app_version, schema_version, sent_at, cast(null as string), cast(null as string)
from json_scan_source
