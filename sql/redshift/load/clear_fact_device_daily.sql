-- clear_fact_device_daily: delete the day being loaded; the insert after it puts the day back, in one transaction.
-- Grain: one row per (dt, device_type, country). Source: none; :dt is the day being loaded.
delete from fact_device_daily
where fact_device_daily.dt = cast(:dt as date);
