-- The event time of each emitted title window (its window_time, a time attribute), for the
-- progress windows that cascade on it. One row per title window. Source: title_windows.
create temporary view title_window_times as
select window_time as title_window_time, title_id
from title_windows
