-- 05_drop_stg_watch_session: drop the permanent staging table of the first layout; each load now stages in a
-- temporary table of its own session. Grain: one row per session. Source: none.
drop table if exists stg_watch_session;
