-- raw/: every valid record exactly as received (redeliveries and late events included), one JSON
-- line each, partitioned by event time. Line breaks outside JSON strings are whitespace, so they
-- are flattened to keep one record per line. Source: parsed_events.
insert into raw_sink
select
    regexp_replace(`record`, '[\r\n]+', ' ') as `record`,
    date_format(event_time, 'yyyy-MM-dd') as dt,
    date_format(event_time, 'HH') as hr
from parsed_events
where reject_reason is null
