-- 03_drop_dim_title: drop the old dim_title once its rows are copied (cascade: the views on it go too).
-- Grain: one row per title_id. Source: none.
-- The views are created again after the migrations, by every load.
drop table dim_title cascade;
