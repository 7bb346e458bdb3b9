-- daily_active_users: users with at least one session each day, and how much they watched.
-- Grain: one row per dt. Source: fact_user_daily.
create or replace view daily_active_users as
with user_days as (
    select
        dt,
        user_id,
        sessions,
        watch_time_ms
    from fact_user_daily
)

select
    dt,
    count(*) as active_users,
    sum(case when watch_time_ms > 0 then 1 else 0 end) as viewers,
    sum(sessions) as sessions,
    round(sum(watch_time_ms) / 3600000.0, 2) as watch_hours
from user_days
group by dt;
