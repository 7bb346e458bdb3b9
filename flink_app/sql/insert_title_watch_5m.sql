-- processed/title_watch_5m (DESIGN §5): one row per (5-minute tumbling window, title_id) with at
-- least one playback event. Source: playback_events. Emitted when the watermark passes window_end.
insert into title_watch_5m_sink
select
    window_start,
    window_end,
    title_id,
    count(*) filter (where event_type = 'play') as play_starts,
    count(distinct user_id) as unique_viewers,
    sum(watched_ms) as watch_time_ms,
    date_format(window_start, 'yyyy-MM-dd') as dt,
    date_format(window_start, 'HH') as hr
from table(tumble(table playback_events, descriptor(event_time), interval '5' minute))
group by window_start, window_end, title_id
