-- processed/play_starts_1m: one row per (minute, country, device_type) with at least one on-time
-- play event, partitioned by window_start. Source: play_start_windows.
insert into play_starts_1m_sink
select
    window_start,
    window_end,
    country,
    device_type,
    play_starts,
    date_format(window_start, 'yyyy-MM-dd') as dt,
    date_format(window_start, 'HH') as hr
from play_start_windows
