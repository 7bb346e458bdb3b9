-- Unique events at or behind the watermark when they arrive: they go to late/ and into no metric.
-- The exact complement of ontime_events. One row per late unique event.
create temporary view late_events as
select *
from unique_events
where current_watermark(event_time) is not null and event_time <= current_watermark(event_time)
