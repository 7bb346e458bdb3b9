-- 01_create_dim_title_wide: dim_title in the current layout (ids varchar(1024)), empty.
-- Grain: one row per title_id. Source: none; sql/redshift/ddl/dim_title.sql under another name.
-- Redshift cannot widen a primary-key column in place, nor any column inside a transaction: a deep copy.
create table dim_title_wide (
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
