-- 01_drop_stg_dim_title: drop the permanent staging table of the first layout; each load now stages in a
-- temporary table of its own session. Grain: one row per title_id. Source: none.
drop table if exists stg_dim_title;
