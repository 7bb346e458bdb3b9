-- raw/: every valid record exactly as received (redeliveries and late events included), with its
-- arrival, shard and sequence number, partitioned by event time. Source: events_source.
insert into raw_sink
select
    `record`,
    arrival,
    shard_id,
    sequence_number,
    date_format(event_time, 'yyyy-MM-dd') as dt,
    date_format(event_time, 'HH') as hr
from events_source
where reject_reason is null
