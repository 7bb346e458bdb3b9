-- drop_stg_user_daily: drop this load's temporary staging table once its rows are loaded.
-- Grain: one row per user_id. Source: none.
-- Redshift drops it at the session's end anyway; the local warehouse keeps its session open.
drop table stg_user_daily;
