-- applied_migrations: the migrations the warehouse has had, read before each load.
-- Grain: one row per migration version. Source: schema_version.
select schema_version.version
from schema_version
order by schema_version.version
