-- watch_time_by_hour: hours watched and plays started in each clock hour (UTC).
-- Grain: one row per hour with playback. Source: processed title_watch_5m.
with hourly as (
    select
        title_id,
        play_starts,
        watch_time_ms,
        date_trunc('hour', window_start) as hour_start
    from title_watch_5m
)

select
    hour_start,
    sum(play_starts) as play_starts,
    count(distinct title_id) as titles,
    round(sum(watch_time_ms) / 3600000.0, 3) as watch_hours
from hourly
group by hour_start
order by hour_start
