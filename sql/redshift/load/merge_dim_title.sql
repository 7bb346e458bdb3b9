-- merge_dim_title: upsert stg_dim_title into dim_title for every title in the snapshot; a rerun changes nothing.
-- Grain: one row per title_id. Source: stg_dim_title_unique.
merge into dim_title
using stg_dim_title_unique
    on
        dim_title.title_id = stg_dim_title_unique.title_id
when matched then
    update set
        name = stg_dim_title_unique.name,
        kind = stg_dim_title_unique.kind,
        genre = stg_dim_title_unique.genre,
        release_year = stg_dim_title_unique.release_year,
        runtime_ms = stg_dim_title_unique.runtime_ms
when not matched then
    insert (
        title_id,
        name,
        kind,
        genre,
        release_year,
        runtime_ms
    )
    values (
        stg_dim_title_unique.title_id,
        stg_dim_title_unique.name,
        stg_dim_title_unique.kind,
        stg_dim_title_unique.genre,
        stg_dim_title_unique.release_year,
        stg_dim_title_unique.runtime_ms
    );
