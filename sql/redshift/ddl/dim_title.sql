-- dim_title: the title catalog, latest version of every title (type 1: a reload overwrites).
-- Grain: one row per title_id. Source: curated/dim_title via stg_dim_title.
-- Keys: diststyle all, as it is small and joined by every title query; sortkey title_id for the join.
create table if not exists dim_title (
    title_id varchar(1024) not null,
    name varchar(512),
    kind varchar(16),
    genre varchar(64),
    release_year integer,
    runtime_ms bigint,
    primary key (title_id)
)
diststyle all
sortkey (title_id);
