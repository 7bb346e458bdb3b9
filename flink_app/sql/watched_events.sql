-- watched_ms of each on-time event (DESIGN §4): the time since the key's previous event when that
-- event was play, resume, heartbeat or seek on the same title and at most the session gap ago,
-- capped at the configured maximum (the jar's watched_ms aggregate). The ROWS frame takes a key's
-- events with the same event_ts one by one, in arrival order. One row per on-time unique event,
-- in event-time order per (user_id, device_id). Source: ontime_events.
create temporary view watched_events as
select
    event_time, event_type, user_id, device_id, device_type, country, title_id,
    watched_ms(
        event_type, title_id, event_time,
        cast({{ session_gap_minutes * 60000 }} as bigint), cast({{ watch_cap_ms }} as bigint)
    ) over key_in_time as watched_ms
from ontime_events
window key_in_time as (
    partition by user_id, device_id
    order by event_time
    rows between unbounded preceding and current row
)
