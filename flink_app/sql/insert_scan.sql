-- Benchmark only: every record parsed and validated exactly as in the full job, then discarded.
-- One row per source record. Source: parsed_events.
insert into scan_sink
select
    event_id, event_type, event_ts, user_id, device_id, device_type, country, title_id, position_ms,
    search_query, app_version, schema_version, event_time, reject_reason
from parsed_events
