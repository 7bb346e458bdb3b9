-- Valid events with redeliveries removed: the first arrival of an event_id wins (DESIGN §3).
-- Keeping the first row by processing time makes this append-only; its state (one entry per
-- event_id) expires after processing.dedup.state-ttl.ms: the job translates this view under that
-- TTL and registers its rows as unique_events (flink_app/job.py). Only what later steps read is
-- carried: not the record text. One row per distinct event_id. Source: events_source.
create temporary view first_arrivals as
select
    received_at, event_time, event_id, event_type, event_ts, user_id, device_id, device_type,
    country, title_id, position_ms, search_query, app_version, schema_version, arrival_seq
from (
    select
        *,
        row_number() over (partition by event_id order by proc_time asc) as arrival_rank
    from events_source
    where reject_reason is null
)
where arrival_rank = 1
