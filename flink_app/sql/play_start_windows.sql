-- Play starts per minute of event time, by country and device type: one row per (1-minute
-- tumbling window, country, device_type) with at least one on-time play event, emitted when the
-- watermark passes window_end; window_time kept so the metrics can cascade on it.
-- Source: watched_events (every on-time play: a playback event of a title).
create temporary view play_start_windows as
select
    window_start,
    window_end,
    window_time,
    country,
    device_type,
    count(*) as play_starts
from table(tumble(
    table watched_events, descriptor(event_time), interval '1' minute
))
where event_type = 'play'
group by window_start, window_end, window_time, country, device_type
