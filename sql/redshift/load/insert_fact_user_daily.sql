-- insert_fact_user_daily: the day's rows of stg_user_daily, one per key (the day was cleared before).
-- Grain: one row per (dt, user_id). Source: stg_user_daily; :dt is the day being loaded.
-- A key staged twice counts once: the copy with the greater measures is kept (batch/dedup.py's rule).
insert into fact_user_daily (
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
    cast(:dt as date) as dt,
    ranked.user_id,
    ranked.sessions,
    ranked.devices,
    ranked.watch_time_ms,
    ranked.total_session_ms,
    ranked.first_session_start,
    ranked.last_session_end
from (
    select
        stg_user_daily.user_id,
        stg_user_daily.sessions,
        stg_user_daily.devices,
        stg_user_daily.watch_time_ms,
        stg_user_daily.total_session_ms,
        stg_user_daily.first_session_start,
        stg_user_daily.last_session_end,
        row_number() over (
            partition by stg_user_daily.user_id
            order by
                stg_user_daily.sessions desc nulls last,
                stg_user_daily.watch_time_ms desc nulls last,
                stg_user_daily.total_session_ms desc nulls last,
                stg_user_daily.devices desc nulls last,
                stg_user_daily.first_session_start asc nulls last,
                stg_user_daily.last_session_end desc nulls last
        ) as copy_rank
    from stg_user_daily
) as ranked
where ranked.copy_rank = 1;
