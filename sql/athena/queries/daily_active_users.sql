-- daily_active_users: users with at least one session each day, and how much they watched.
-- Grain: one row per dt. Source: curated daily_user_engagement.
with user_days as (
    select
        dt,
        user_id,
        sessions,
        watch_time_ms
    from daily_user_engagement
)

select
    dt,
    count(*) as active_users,
    count_if(watch_time_ms > 0) as viewers,
    sum(sessions) as sessions,
    round(sum(watch_time_ms) / 3600000.0, 2) as watch_hours
from user_days
group by dt
order by dt
