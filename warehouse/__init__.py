"""The warehouse side: the Redshift SQL under ``sql/redshift`` run against a real Redshift or, locally,
translated by sqlglot's AST for a DuckDB file (``<lake>/warehouse.duckdb``); and a local stand-in
for Athena that runs ``sql/athena`` over the lake with DuckDB.

Modules: ``sql_files`` (finding, parsing and binding the SQL files), ``lake_files`` (a zone's data
files, local or S3), ``to_duckdb`` (the Redshift -> DuckDB translation), ``plan`` (what a load runs,
in order), ``targets`` (DuckDB and Redshift connections), ``loader`` (one dt into the warehouse),
``views`` (reading the views), ``athena`` (the local Athena engine).
"""
