-- 10_insert_fact_user_daily_wide: every row of the old fact_user_daily, unchanged, in the widened copy.
-- Grain: one row per (dt, user_id). Source: fact_user_daily as an earlier version created it (ids varchar(64)).
insert into fact_user_daily_wide (
    dt,
    user_id,
    sessions,
    devices,
    watch_time_ms,
    total_session_ms,
    first_session_start,
    last_session_end
)
select
    fact_user_daily.dt,
    fact_user_daily.user_id,
    fact_user_daily.sessions,
    fact_user_daily.devices,
    fact_user_daily.watch_time_ms,
    fact_user_daily.total_session_ms,
    fact_user_daily.first_session_start,
    fact_user_daily.last_session_end
from fact_user_daily;
