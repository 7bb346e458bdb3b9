-- Benchmark only: every record read and validated by the job's own source, then discarded.
-- One row per source record. Source: events_source.
insert into scan_sink
select
    -- a plain timestamp, not the event-time attribute (which a sink would need non-null)
    `record`, arrival, cast(event_time as timestamp(3)), reject_reason, event_id, event_type, event_ts, user_id,
    device_id, device_type, country, title_id, position_ms, search_query, app_version, schema_version, sent_at,
    shard_id, sequence_number
from events_source
