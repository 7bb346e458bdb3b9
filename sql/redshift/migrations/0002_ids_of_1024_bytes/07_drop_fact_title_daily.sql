-- 07_drop_fact_title_daily: drop the old fact_title_daily once its rows are copied (cascade: the views on it go too).
-- Grain: one row per (dt, title_id). Source: none.
-- The views are created again after the migrations, by every load.
drop table fact_title_daily cascade;
