-- events_by_type: valid events of each type per day, and how many users sent them.
-- Grain: one row per (dt, event_type). Source: raw_events.
with events as (
    select
        dt,
        event_type,
        user_id
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
