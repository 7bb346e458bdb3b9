-- record_schema_version: note in schema_version that a migration was applied, in the migration's transaction.
-- Grain: one row per migration version. Source: :version and :name of the sql/redshift/migrations directory.
insert into schema_version (version, name, applied_at)
values (cast(:version as integer), :name, getdate());
