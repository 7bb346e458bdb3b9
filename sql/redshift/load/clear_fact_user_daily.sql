-- clear_fact_user_daily: delete the day being loaded; the insert after it puts the day back, in one transaction.
-- Grain: one row per (dt, user_id). Source: none; :dt is the day being loaded.
delete from fact_user_daily
where fact_user_daily.dt = cast(:dt as date);
