-- 08_rename_fact_title_daily_wide: the widened copy takes the old table's name.
-- Grain: one row per (dt, title_id). Source: fact_title_daily_wide.
alter table fact_title_daily_wide rename to fact_title_daily;
