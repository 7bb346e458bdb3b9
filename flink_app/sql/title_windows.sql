-- One row per (5-minute tumbling window, title_id) with at least one on-time playback event
-- (DESIGN §5), with window_time kept so later windows can cascade on it. Emitted when the
-- watermark passes window_end. Source: watched_events (the on-time playback events of a title,
-- with their watched_ms, from ViewingSessions in the jar).
create temporary view title_windows as
select
    window_start,
    window_end,
    window_time,
    title_id,
    count(*) filter (where event_type = 'play') as play_starts,
    count(distinct user_id) as unique_viewers,
    sum(watched_ms) as watch_time_ms
from table(tumble(table watched_events, descriptor(event_time), interval '5' minute))
group by window_start, window_end, window_time, title_id
