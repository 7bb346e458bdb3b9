-- 03_drop_stg_user_daily: drop the permanent staging table of the first layout; each load now stages in a
-- temporary table of its own session. Grain: one row per user_id. Source: none.
drop table if exists stg_user_daily;
