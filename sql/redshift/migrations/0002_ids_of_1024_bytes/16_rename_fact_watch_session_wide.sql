-- 16_rename_fact_watch_session_wide: the widened copy takes the old table's name.
-- Grain: one row per session. Source: fact_watch_session_wide.
alter table fact_watch_session_wide rename to fact_watch_session;
