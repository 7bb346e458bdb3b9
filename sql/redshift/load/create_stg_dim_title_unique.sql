-- create_stg_dim_title_unique: the snapshot's titles, one row per title_id, as MERGE's source must be.
-- Grain: one row per title_id. Source: stg_dim_title (a title staged twice is kept once).
-- Temporary like its source: MERGE takes a table, not a subquery, and matches a target row once.
create temporary table stg_dim_title_unique as
select
    ranked.title_id,
    ranked.name,
    ranked.kind,
    ranked.genre,
    ranked.release_year,
    ranked.runtime_ms
from (
    select
        stg_dim_title.title_id,
        stg_dim_title.name,
        stg_dim_title.kind,
        stg_dim_title.genre,
        stg_dim_title.release_year,
        stg_dim_title.runtime_ms,
        row_number() over (
            partition by stg_dim_title.title_id
            order by
                stg_dim_title.name asc nulls last,
                stg_dim_title.kind asc nulls last,
                stg_dim_title.genre asc nulls last,
                stg_dim_title.release_year asc nulls last,
                stg_dim_title.runtime_ms asc nulls last
        ) as copy_rank
    from stg_dim_title
) as ranked
where ranked.copy_rank = 1;
