-- warehouse_tables: the permanent tables the warehouse has, read before each load to tell a new
-- warehouse from one an earlier version created. Grain: one row per table. Source: information_schema.tables.
select listed.table_name
from information_schema.tables as listed
where
    listed.table_type = 'BASE TABLE'
    and listed.table_schema not in ('pg_catalog', 'information_schema')
