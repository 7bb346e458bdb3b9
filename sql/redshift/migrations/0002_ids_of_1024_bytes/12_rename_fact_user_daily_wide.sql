-- 12_rename_fact_user_daily_wide: the widened copy takes the old table's name.
-- Grain: one row per (dt, user_id). Source: fact_user_daily_wide.
alter table fact_user_daily_wide rename to fact_user_daily;
