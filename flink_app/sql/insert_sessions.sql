-- processed/sessions (DESIGN §4-§5): one row per viewing session of a (user_id, device_id), a
-- maximal run of events at most the session gap apart. device_type and country are those of the
-- session's first event. Source: watched_events. Emitted when the watermark passes the gap.
insert into sessions_sink
with session_totals as (
    select
        user_id,
        device_id,
        -- values of the earliest event: the formatted time (23 characters) sorts first
        substring(min(date_format(event_time, 'yyyy-MM-dd HH:mm:ss.SSS') || device_type) from 24) as device_type,
        substring(min(date_format(event_time, 'yyyy-MM-dd HH:mm:ss.SSS') || country) from 24) as country,
        min(event_time) as session_start,
        max(event_time) as session_end,
        count(*) as event_count,
        count(*) filter (where event_type = 'play') as play_count,
        count(distinct title_id) as titles_watched,
        sum(watched_ms) as watch_time_ms
    from table(
        session(
            table watched_events partition by (user_id, device_id),
            descriptor(event_time),
            interval '{{ session_gap_minutes }}' minute
        )
    )
    group by window_start, window_end, user_id, device_id
)

select
    md5(user_id || '|' || device_id || '|' || date_format(session_start, 'yyyy-MM-dd HH:mm:ss.SSS')) as session_id,
    user_id,
    device_id,
    device_type,
    country,
    session_start,
    session_end,
    cast(timestampdiff(second, session_start, session_end) as bigint) * 1000
    + mod(extract(millisecond from session_end) - extract(millisecond from session_start) + 1000, 1000)
    as duration_ms,
    event_count,
    play_count,
    titles_watched,
    watch_time_ms,
    date_format(session_start, 'yyyy-MM-dd') as dt,
    date_format(session_start, 'HH') as hr
from session_totals
