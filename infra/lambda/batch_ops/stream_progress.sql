-- How far the streaming job's event time has got (docs/operations.md): the newest closed window.
-- The ? is the dt being checked (YYYY-MM-DD): only its partitions and later ones are read.
select max(window_end) as max_window_end
from stream_progress
where dt >= ?
