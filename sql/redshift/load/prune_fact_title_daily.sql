-- prune_fact_title_daily: delete the dt's rows the new load no longer has, so a reload replaces the day exactly.
-- Grain: one row per (dt, title_id). Source: stg_title_daily; :dt is the day being loaded.
delete from fact_title_daily
where
    dt = cast(:dt as date)
    and not exists (
        select 1
        from stg_title_daily
        where
            stg_title_daily.title_id = fact_title_daily.title_id
    );
