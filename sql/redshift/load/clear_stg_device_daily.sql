-- clear_stg_device_daily: empty the staging table before COPY lands the next dt in it.
-- Grain: one row per (device_type, country). Source: none. Delete, not truncate (truncate would commit).
delete from stg_device_daily;
