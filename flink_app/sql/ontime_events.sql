-- Unique events still ahead of the watermark when they arrive; only these feed the metrics.
-- An event at or behind the watermark (DESIGN §4 "Late") goes to late_events instead.
-- One row per on-time unique event.
create temporary view ontime_events as
select *
from unique_events
where current_watermark(event_time) is null or event_time > current_watermark(event_time)
