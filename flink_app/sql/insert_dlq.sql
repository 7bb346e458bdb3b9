-- dlq/: every rejected record exactly as received, with the first rule of the contract it breaks,
-- partitioned by the time it was received. Source: events_source.
insert into dlq_sink
select
    `record` as `raw`,
    reject_reason as reason,
    date_format(received_at, 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z''') as received_at,
    date_format(received_at, 'yyyy-MM-dd') as dt,
    date_format(received_at, 'HH') as hr
from events_source
where reject_reason is not null
