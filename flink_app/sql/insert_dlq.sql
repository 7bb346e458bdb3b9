-- dlq/: every rejected record with the first reason it breaks the contract, partitioned by the
-- time it was received. Source: parsed_events.
insert into dlq_sink
select
    `record` as `raw`,
    reject_reason as reason,
    date_format(received_at, 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z''') as received_at,
    date_format(received_at, 'yyyy-MM-dd') as dt,
    date_format(received_at, 'HH') as hr
from parsed_events
where reject_reason is not null
