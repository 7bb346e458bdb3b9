-- stg_dim_title: one dt's snapshot of curated/dim_title, as COPY lands it before the merge.
-- Grain: one row per title_id. Source: curated/dim_title/dt=.../ via copy_stg_dim_title.
-- Columns in the files' order (COPY maps by position). Keys: diststyle all, like dim_title.
create table if not exists stg_dim_title (
    title_id varchar(64),
    name varchar(512),
    kind varchar(16),
    genre varchar(64),
    release_year integer,
    runtime_ms bigint
)
diststyle all;
