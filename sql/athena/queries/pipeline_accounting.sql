-- pipeline_accounting: what the streaming job did with the records of each day (DESIGN §5 accounting).
-- Grain: one row per dt. Source: processed sessions, dlq_records, late_events.
with valid as (
    select
        dt,
        sum(event_count) as valid_events,
        count(*) as sessions
    from sessions
    group by dt
),

rejected as (
    select
        dt,
        count(*) as dlq_records
    from dlq_records
    group by dt
),

late as (
    select
        dt,
        count(*) as late_events
    from late_events
    group by dt
),

days as (
    select dt from valid
    union
    select dt from rejected
    union
    select dt from late
)

select
    days.dt,
    coalesce(valid.sessions, 0) as sessions,
    coalesce(valid.valid_events, 0) as valid_events,
    coalesce(rejected.dlq_records, 0) as dlq_records,
    coalesce(late.late_events, 0) as late_events
from days
left join valid on days.dt = valid.dt
left join rejected on days.dt = rejected.dt
left join late on days.dt = late.dt
order by days.dt
