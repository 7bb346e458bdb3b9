-- create_stg_dim_title: this load's own staging table, for one dt as COPY lands it, duplicates included.
-- Grain: one row per title_id. Source: curated/dim_title/dt=.../ via copy_stg_dim_title.
-- Temporary: it lives in this load's session only, so two loads never share it. COPY maps by position.
create temporary table stg_dim_title (
    title_id varchar(1024),
    name varchar(512),
    kind varchar(16),
    genre varchar(64),
    release_year integer,
    runtime_ms bigint
)
diststyle all;
