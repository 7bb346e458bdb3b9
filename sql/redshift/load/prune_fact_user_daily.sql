-- prune_fact_user_daily: delete the dt's rows the new load no longer has, so a reload replaces the day exactly.
-- Grain: one row per (dt, user_id). Source: stg_user_daily; :dt is the day being loaded.
delete from fact_user_daily
where
    dt = cast(:dt as date)
    and not exists (
        select 1
        from stg_user_daily
        where
            stg_user_daily.user_id = fact_user_daily.user_id
    );
