-- The valid events of the source, with what the per-viewer step reads (DESIGN §3): the input of
-- ViewingSessions (the jar), which de-duplicates, splits off late events, and derives watched
-- time and sessions. One row per valid record (redeliveries included). Source: events_source.
create temporary view valid_events as
select
    event_time, arrival, event_id, event_type, event_ts, user_id, device_id, device_type, country,
    title_id, position_ms, search_query, app_version, sent_at, schema_version, arrival_seq
from events_source
where reject_reason is null
