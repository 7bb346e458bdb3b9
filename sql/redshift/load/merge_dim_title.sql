-- merge_dim_title: upsert stg_dim_title into dim_title for every title in the snapshot; a rerun changes nothing.
-- Grain: one row per title_id. Source: stg_dim_title.
merge into dim_title
using stg_dim_title
    on
        dim_title.title_id = stg_dim_title.title_id
when matched then
    update set
        name = stg_dim_title.name,
        kind = stg_dim_title.kind,
        genre = stg_dim_title.genre,
        release_year = stg_dim_title.release_year,
        runtime_ms = stg_dim_title.runtime_ms
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
        stg_dim_title.title_id,
        stg_dim_title.name,
        stg_dim_title.kind,
        stg_dim_title.genre,
        stg_dim_title.release_year,
        stg_dim_title.runtime_ms
    );
