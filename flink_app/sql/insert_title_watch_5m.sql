-- processed/title_watch_5m (DESIGN §5): one row per (5-minute tumbling window, title_id) with at
-- least one playback event, partitioned by window_start. Source: title_windows.
insert into title_watch_5m_sink
select
    window_start,
    window_end,
    title_id,
    play_starts,
    unique_viewers,
    watch_time_ms,
    date_format(window_start, 'yyyy-MM-dd') as dt,
    date_format(window_start, 'HH') as hr
from title_windows
