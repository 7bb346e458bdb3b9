-- top_titles_daily: the ten most watched titles of each day, with their catalog details as they are now.
-- Grain: one row per (dt, title_id) with watch_rank <= 10. Source: curated daily_title_popularity, dim_title
-- (each title's newest snapshot, as the warehouse's dim_title keeps it, so both engines give the same rows).
with top_ten as (
    select
        dt,
        watch_rank,
        title_id,
        play_starts,
        peak_5m_viewers,
        watch_time_ms
    from daily_title_popularity
    where watch_rank <= 10
),

latest_catalog as (
    select
        title_id,
        name,
        kind,
        genre,
        row_number() over (partition by title_id order by dt desc) as newest_first
    from dim_title
)

select
    top_ten.dt,
    top_ten.watch_rank,
    top_ten.title_id,
    latest_catalog.name as title_name,
    latest_catalog.kind,
    latest_catalog.genre,
    top_ten.play_starts,
    top_ten.peak_5m_viewers,
    round(top_ten.watch_time_ms / 3600000.0, 2) as watch_hours
from top_ten
left join latest_catalog
    on
        top_ten.title_id = latest_catalog.title_id
        and latest_catalog.newest_first = 1
order by top_ten.dt, top_ten.watch_rank
