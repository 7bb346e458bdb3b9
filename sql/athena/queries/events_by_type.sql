-- events_by_type: valid events of each type per day as received (redeliveries included), and how many users sent them.
-- Grain: one row per (dt, event_type). Source: raw_events, the fields read from each record's JSON text.
with events as (
    select
        dt,
        json_extract_scalar(record, '$.event_type') as event_type,
        json_extract_scalar(record, '$.user_id') as user_id
    from raw_events
)

select
    dt,
    event_type,
    count(*) as events_sent,
    count(distinct user_id) as users
from events
group by dt, event_type
order by dt, event_type
