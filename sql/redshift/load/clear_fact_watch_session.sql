-- clear_fact_watch_session: delete the day being loaded; the insert after it puts the day back, in one transaction.
-- Grain: one row per session. Source: none; :dt is the day being loaded.
delete from fact_watch_session
where fact_watch_session.dt = cast(:dt as date);
