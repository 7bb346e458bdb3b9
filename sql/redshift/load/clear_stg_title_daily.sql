-- clear_stg_title_daily: empty the staging table before COPY lands the next dt in it.
-- Grain: one row per title_id. Source: none. Delete, not truncate (truncate would commit).
delete from stg_title_daily;
