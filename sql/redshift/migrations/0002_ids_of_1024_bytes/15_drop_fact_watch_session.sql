-- 15_drop_fact_watch_session: drop the old table once its rows are copied (cascade: its views go too).
-- Grain: one row per session. Source: none.
-- The views are created again after the migrations, by every load.
drop table fact_watch_session cascade;
