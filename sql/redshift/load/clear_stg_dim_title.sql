-- clear_stg_dim_title: empty the staging table before COPY lands the next dt in it.
-- Grain: one row per title_id. Source: none. Delete, not truncate (truncate would commit).
delete from stg_dim_title;
