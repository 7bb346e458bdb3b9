-- 04_drop_stg_device_daily: drop the permanent staging table of the first layout; each load now stages in a
-- temporary table of its own session. Grain: one row per (device_type, country). Source: none.
drop table if exists stg_device_daily;
