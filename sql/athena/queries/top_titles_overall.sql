-- top_titles_overall: the twenty most watched titles over every day in the lake.
-- Grain: one row per title_id (top 20 by watch time). Source: curated daily_title_popularity, dim_title.
with title_totals as (
    select
        title_id,
        sum(play_starts) as play_starts,
        sum(watch_time_ms) as watch_time_ms,
        max(peak_5m_viewers) as peak_5m_viewers,
        count(*) as days_watched
    from daily_title_popularity
    group by title_id
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
    title_totals.title_id,
    latest_catalog.name as title_name,
    latest_catalog.kind,
    latest_catalog.genre,
    title_totals.play_starts,
    title_totals.peak_5m_viewers,
    title_totals.days_watched,
    round(title_totals.watch_time_ms / 3600000.0, 2) as watch_hours
from title_totals
left join latest_catalog
    on
        title_totals.title_id = latest_catalog.title_id
        and latest_catalog.newest_first = 1
order by title_totals.watch_time_ms desc, title_totals.title_id asc
limit 20
