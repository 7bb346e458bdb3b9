-- clear_stg_watch_session: empty the staging table before COPY lands the next dt in it.
-- Grain: one row per session. Source: none. Delete, not truncate (truncate would commit).
delete from stg_watch_session;
