-- Per-minute play starts, in total and by device type, to CloudWatch (metric PlayStarts).
-- Cascades on the per-(country, device type) minutes, so it costs one row per such minute.
-- Source: play_start_minutes.
insert into play_start_metrics_sink
select
    window_start as `minute`,
    device_type,
    sum(play_starts) as play_starts
from table(tumble(table play_start_minutes, descriptor(minute_time), interval '1' minute))
group by window_start, window_end, grouping sets ((device_type), ())
