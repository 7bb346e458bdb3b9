-- raw/: every valid record as received (redeliveries and late events included), one JSON line
-- each (the source already turned the line breaks of a multi-line record into spaces),
-- partitioned by event time. Source: events_source.
insert into raw_sink
select
    `record`,
    date_format(event_time, 'yyyy-MM-dd') as dt,
    date_format(event_time, 'HH') as hr
from events_source
where reject_reason is null
