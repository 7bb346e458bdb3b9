-- 11_drop_fact_user_daily: drop the old fact_user_daily once its rows are copied (cascade: the views on it go too).
-- Grain: one row per (dt, user_id). Source: none.
-- The views are created again after the migrations, by every load.
drop table fact_user_daily cascade;
