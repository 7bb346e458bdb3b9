-- drop_stg_dim_title: drop this load's temporary staging table once its rows are loaded.
-- Grain: one row per title_id. Source: none.
-- Redshift drops it at the session's end anyway; the local warehouse keeps its session open.
drop table stg_dim_title;
