-- drop_stg_device_daily: drop this load's temporary staging table once its rows are loaded.
-- Grain: one row per (device_type, country). Source: none.
-- Redshift drops it at the session's end anyway; the local warehouse keeps its session open.
drop table stg_device_daily;
