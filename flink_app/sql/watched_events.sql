-- watched_ms of each on-time event (DESIGN §4): the time since the key's previous event when that
-- event was play, resume, heartbeat or seek on the same title, capped at the configured maximum.
-- One row per on-time unique event, in event-time order per (user_id, device_id).
create temporary view watched_events as
with previous_event as (
    select
        *,
        lag(event_type) over key_in_time as prev_event_type,
        lag(title_id) over key_in_time as prev_title_id,
        lag(event_time) over key_in_time as prev_event_time
    from ontime_events
    window key_in_time as (partition by user_id, device_id order by event_time)
)

select
    event_time, event_id, event_type, user_id, device_id, device_type, country, title_id,
    case
        when prev_event_type in ('play', 'resume', 'heartbeat', 'seek')
            and title_id is not null
            and title_id = prev_title_id
            then least(
                -- milliseconds between the two events: whole seconds, then the millisecond remainder
                cast(timestampdiff(second, prev_event_time, event_time) as bigint) * 1000
                + mod(extract(millisecond from event_time) - extract(millisecond from prev_event_time) + 1000, 1000),
                {{ watch_cap_ms }}
            )
        else 0
    end as watched_ms
from previous_event
