-- 02_insert_dim_title_wide: every row of the old dim_title, unchanged, in the widened copy.
-- Grain: one row per title_id. Source: dim_title as an earlier version created it (ids varchar(64)).
insert into dim_title_wide (
    title_id,
    name,
    kind,
    genre,
    release_year,
    runtime_ms
)
select
    dim_title.title_id,
    dim_title.name,
    dim_title.kind,
    dim_title.genre,
    dim_title.release_year,
    dim_title.runtime_ms
from dim_title;
