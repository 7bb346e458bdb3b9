-- drop_stg_dim_title_unique: drop this load's de-duplicated title staging once merged.
-- Grain: one row per title_id. Source: none.
drop table stg_dim_title_unique;
