-- top_titles_daily: the ten most watched titles of each day, with their catalog details.
-- Grain: one row per (dt, title_id) with watch_rank <= 10. Source: curated daily_title_popularity, dim_title.
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
)

select
    top_ten.dt,
    top_ten.watch_rank,
    top_ten.title_id,
    dim_title.name as title_name,
    dim_title.kind,
    dim_title.genre,
    top_ten.play_starts,
    top_ten.peak_5m_viewers,
    round(top_ten.watch_time_ms / 3600000.0, 2) as watch_hours
from top_ten
left join dim_title
    on
        top_ten.title_id = dim_title.title_id
        and top_ten.dt = dim_title.dt
order by top_ten.dt, top_ten.watch_rank
