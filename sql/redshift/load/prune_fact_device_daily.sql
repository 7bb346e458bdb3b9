-- prune_fact_device_daily: delete the dt's rows the new load no longer has, so a reload replaces the day exactly.
-- Grain: one row per (dt, device_type, country). Source: stg_device_daily; :dt is the day being loaded.
delete from fact_device_daily
where
    dt = cast(:dt as date)
    and not exists (
        select 1
        from stg_device_daily
        where
            stg_device_daily.device_type = fact_device_daily.device_type
            and stg_device_daily.country = fact_device_daily.country
    );
