-- Valid events with redeliveries removed: the first arrival of an event_id wins (DESIGN §3).
-- Keeping the first row by processing time makes this append-only; state expires after the
-- configured TTL (table.exec.state.ttl). One row per distinct event_id.
create temporary view unique_events as
select
    `record`, received_at, event_time, event_id, event_type, event_ts, user_id, device_id,
    device_type, country, title_id, position_ms, search_query, app_version, schema_version
from (
    select
        *,
        row_number() over (partition by event_id order by received_at asc) as arrival_rank
    from parsed_events
    where reject_reason is null
)
where arrival_rank = 1
