-- The event time of each play-start window (its window_time, a time attribute) with its device
-- type and count, for the metrics that cascade on it. One row per play_start_windows row.
-- Source: play_start_windows.
create temporary view play_start_minutes as
select window_time as minute_time, device_type, play_starts
from play_start_windows
