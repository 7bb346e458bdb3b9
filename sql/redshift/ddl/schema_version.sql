-- schema_version: which migrations of sql/redshift/migrations the warehouse has had, applied in order once each.
-- Grain: one row per migration version. Source: record_schema_version, run by the load with each migration.
-- Keys: diststyle all, as it is tiny and read before every load.
create table if not exists schema_version (
    version integer not null,
    name varchar(256) not null,
    applied_at timestamp not null,
    primary key (version)
)
diststyle all;
