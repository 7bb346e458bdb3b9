-- 04_rename_dim_title_wide: the widened copy takes the old table's name.
-- Grain: one row per title_id. Source: dim_title_wide.
alter table dim_title_wide rename to dim_title;
