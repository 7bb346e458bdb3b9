-- drop_stg_watch_session: drop this load's temporary staging table once its rows are loaded.
-- Grain: one row per session. Source: none.
-- Redshift drops it at the session's end anyway; the local warehouse keeps its session open.
drop table stg_watch_session;
