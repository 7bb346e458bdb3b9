-- Data-quality metrics of one day (Athena, Glue Data Catalog of the lake): one row.
-- Every ? is the same dt (YYYY-MM-DD). Sources: raw, dlq, processed and curated tables of DESIGN §5; the raw
-- and dlq counts are count(*) over Parquet, answered from the files' footers (no record is read).
with
raw_day as (select count(*) as n from raw_events where dt = ?),
dlq_day as (select count(*) as n from dlq_records where dt = ?),
-- processed/ read twice (a restart, an overlapping replay) counts once, as the Glue jobs count it: one row
-- per key, the copy with the greater measures (batch/dedup.py)
sessions_day as (
    select count(*) as n, coalesce(sum(watch_time_ms), 0) as watch_ms
    from (
        select
            watch_time_ms,
            row_number() over (
                partition by session_id
                order by event_count desc nulls last, session_end desc nulls last, watch_time_ms desc nulls last,
                    duration_ms desc nulls last, play_count desc nulls last, titles_watched desc nulls last,
                    session_start asc nulls last, user_id asc nulls last, device_id asc nulls last,
                    device_type asc nulls last, country asc nulls last
            ) as copy_rank
        from sessions where dt = ?
    ) as unique_sessions
    where copy_rank = 1
),
titles_day as (
    select count(*) as n, coalesce(sum(watch_time_ms), 0) as watch_ms
    from (
        select
            watch_time_ms,
            row_number() over (
                partition by window_start, title_id
                order by play_starts desc nulls last, unique_viewers desc nulls last, watch_time_ms desc nulls last,
                    window_end asc nulls last
            ) as copy_rank
        from title_watch_5m where dt = ?
    ) as unique_windows
    where copy_rank = 1
),
engagement_day as (
    select count(*) as n, coalesce(sum(sessions), 0) as sessions, coalesce(sum(watch_time_ms), 0) as watch_ms
    from daily_user_engagement where dt = ?
),
popularity_day as (
    select count(*) as n, coalesce(sum(watch_time_ms), 0) as watch_ms
    from daily_title_popularity where dt = ?
),
devices_day as (
    select count(*) as n, coalesce(sum(sessions), 0) as sessions, coalesce(sum(watch_time_ms), 0) as watch_ms
    from daily_device_summary where dt = ?
),
titles_dim as (select count(*) as n from dim_title where dt = ?)
select
    raw_day.n as raw_events,
    dlq_day.n as dlq_records,
    sessions_day.n as sessions,
    sessions_day.watch_ms as sessions_watch_time_ms,
    titles_day.n as title_windows,
    titles_day.watch_ms as title_windows_watch_time_ms,
    engagement_day.n as user_engagement_rows,
    engagement_day.sessions as user_engagement_sessions,
    engagement_day.watch_ms as user_engagement_watch_time_ms,
    popularity_day.n as title_popularity_rows,
    popularity_day.watch_ms as title_popularity_watch_time_ms,
    devices_day.n as device_summary_rows,
    devices_day.sessions as device_summary_sessions,
    devices_day.watch_ms as device_summary_watch_time_ms,
    titles_dim.n as dim_title_rows
from raw_day
cross join dlq_day
cross join sessions_day
cross join titles_day
cross join engagement_day
cross join popularity_day
cross join devices_day
cross join titles_dim
