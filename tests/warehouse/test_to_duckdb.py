"""The Redshift -> DuckDB translation works on sqlglot's tree: COPY becomes a read of the prefix's
data files, Redshift's physical design is dropped, the rest is generated for DuckDB."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlglot import exp

from warehouse.lake_files import LocalFiles
from warehouse.sql_files import bind, parse_statement
from warehouse.to_duckdb import TranslationError, translate

REPO = Path(__file__).resolve().parents[2]


def _copy(uri: str, fmt: str = "format as parquet") -> exp.Expression:
    statement = parse_statement(f"copy stg_x from :source_uri iam_role :iam_role {fmt}", "redshift")
    return bind(statement, {"source_uri": uri, "iam_role": "arn:aws:iam::1:role/r"})


def test_copy_reads_the_visible_files_under_the_prefix_by_position(tmp_path):
    prefix = tmp_path / "curated" / "t" / "dt=2024-03-09"
    (prefix / "_temporary").mkdir(parents=True)
    for name in ("part-1.parquet", "part-0.parquet", "_SUCCESS", ".part-2.crc", "_temporary/part-9"):
        (prefix / name).write_bytes(b"")
    insert = translate(_copy(prefix.as_uri() + "/"), LocalFiles())
    assert isinstance(insert, exp.Insert) and insert.this.name == "stg_x"
    read = insert.find(exp.ReadParquet)
    files = [literal.this for literal in read.find(exp.Array).expressions]
    assert files == [str(prefix / "part-0.parquet"), str(prefix / "part-1.parquet")]
    sql = insert.sql("duckdb")
    assert "SELECT *" in sql and "hive_partitioning = FALSE" in sql  # COPY maps by position, file columns only


def test_copy_of_an_empty_prefix_does_nothing(tmp_path):
    assert translate(_copy((tmp_path / "nothing").as_uri()), LocalFiles()) is None


@pytest.mark.parametrize("fmt", ["format as csv", "json 'auto'", ""])
def test_only_parquet_copies_are_translated(tmp_path, fmt):
    with pytest.raises(TranslationError, match="PARQUET"):
        translate(_copy(tmp_path.as_uri(), fmt), LocalFiles())


def test_s3_locations_are_refused_locally():
    with pytest.raises(ValueError, match="not a local path"):
        translate(_copy("s3://bucket/curated/x/"), LocalFiles())


def test_create_table_loses_only_the_physical_design():
    create = parse_statement(
        "create table if not exists t (a varchar(8) encode zstd not null, b bigint, primary key (a)) "
        "diststyle key distkey (a) compound sortkey (a, b)",
        "redshift",
    )
    local = translate(create, LocalFiles()).sql("duckdb")
    for gone in ("DIST", "SORTKEY", "ENCODE"):
        assert gone not in local.upper()
    assert "PRIMARY KEY (a)" in local and "NOT NULL" in local
    assert "DISTKEY" in create.sql("redshift")  # the input tree is not changed


def test_statements_without_a_local_meaning_are_refused():
    with pytest.raises(TranslationError, match="no local translation"):
        translate(parse_statement("vacuum fact_watch_session", "redshift"), LocalFiles())


def test_the_warehouse_package_does_not_rewrite_sql_with_regular_expressions():
    for module in (REPO / "warehouse").glob("*.py"):
        source = module.read_text()
        assert "import re\n" not in source and "from re import" not in source, module
