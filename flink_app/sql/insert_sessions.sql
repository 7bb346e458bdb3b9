-- processed/sessions (DESIGN §4-§5): one row per viewing session of a (user_id, device_id), a
-- maximal run of events at most the session gap apart, partitioned by session_start. Built by
-- ViewingSessions in the jar and emitted once the watermark has passed the session's last event
-- by the gap. Source: closed_sessions.
insert into sessions_sink
select
    session_id,
    user_id,
    device_id,
    device_type,
    country,
    session_start,
    session_end,
    duration_ms,
    event_count,
    play_count,
    titles_watched,
    watch_time_ms,
    date_format(session_start, 'yyyy-MM-dd') as dt,
    date_format(session_start, 'HH') as hr
from closed_sessions
