-- dlq/: every rejected record exactly as received, with the first rule of the contract it breaks,
-- partitioned by the time it arrived. Source: events_source.
insert into dlq_sink
select
    `record` as `raw`,
    reject_reason as reason,
    arrival as received_at,
    shard_id,
    sequence_number,
    date_format(arrival, 'yyyy-MM-dd') as dt,
    date_format(arrival, 'HH') as hr
from events_source
where reject_reason is not null
