-- clear_stg_user_daily: empty the staging table before COPY lands the next dt in it.
-- Grain: one row per user_id. Source: none. Delete, not truncate (truncate would commit).
delete from stg_user_daily;
