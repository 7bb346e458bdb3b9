-- processed/stream_progress: how far event time has got. One row per 5-minute window of event
-- time that had on-time playback events, written once the watermark has passed window_end (so
-- max(window_end) is a lower bound of the job's watermark); the daily batch waits on it
-- (docs/operations.md). Cascades on the title windows, so it costs one row per title window.
-- Source: title_window_times.
insert into stream_progress_sink
select
    window_start,
    window_end,
    count(*) as titles,
    date_format(window_start, 'yyyy-MM-dd') as dt,
    date_format(window_start, 'HH') as hr
from table(tumble(table title_window_times, descriptor(title_window_time), interval '5' minute))
group by window_start, window_end
