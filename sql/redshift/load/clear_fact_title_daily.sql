-- clear_fact_title_daily: delete the day being loaded; the insert after it puts the day back, in one transaction.
-- Grain: one row per (dt, title_id). Source: none; :dt is the day being loaded.
delete from fact_title_daily
where fact_title_daily.dt = cast(:dt as date);
