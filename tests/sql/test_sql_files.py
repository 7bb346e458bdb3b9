"""The SQL files: each parses in its dialect with sqlglot as exactly one statement, is named after
what it builds, opens with a header (purpose, grain, source), and passes `sqlfluff lint`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from warehouse import plan
from warehouse.sql_files import bind, parameter_names, parse_file

REPO = Path(__file__).resolve().parents[2]
SQL = REPO / "sql"
REDSHIFT = sorted((SQL / "redshift").rglob("*.sql"))
ATHENA = sorted((SQL / "athena").rglob("*.sql"))
SAMPLE_PARAMS = {"dt": "2024-03-09", "source_uri": "s3://b/lake/curated/x/dt=2024-03-09/",
                 "iam_role": "arn:aws:iam::123456789012:role/r", "location": "s3://b/lake/processed/sessions/",
                 "version": "2", "name": "ids_of_1024_bytes"}


def _id(path: Path) -> str:
    return str(path.relative_to(SQL))


def test_the_tree_is_where_the_issue_says():
    for directory in ("redshift/ddl", "redshift/load", "redshift/views", "athena/tables", "athena/queries"):
        assert list((SQL / directory).glob("*.sql")), directory


@pytest.mark.parametrize("path", REDSHIFT + ATHENA, ids=_id)
def test_parses_as_one_statement_of_its_dialect(path):
    dialect = "redshift" if "redshift" in path.parts else "athena"
    statements = [s for s in sqlglot.parse(path.read_text(), read=dialect) if s is not None]
    assert len(statements) == 1
    assert parameter_names(statements[0]) <= set(SAMPLE_PARAMS)


@pytest.mark.parametrize("path", REDSHIFT + ATHENA, ids=_id)
def test_opens_with_a_header_of_purpose_grain_and_source(path):
    lines = path.read_text().splitlines()
    header = [line for line in lines[:4] if line.startswith("--")]
    assert 2 <= len(header) <= 4
    assert header[0].startswith(f"-- {path.stem}: ")
    assert "Grain: one row per" in header[1] and "Source:" in "\n".join(header)


def _built(statement: exp.Expression) -> str:
    if isinstance(statement, exp.Drop):
        return statement.find(exp.Table).name
    if isinstance(statement, (exp.Create, exp.Copy, exp.Merge, exp.Delete, exp.Insert, exp.Alter)):
        return statement.this.find(exp.Table).name
    raise AssertionError(f"unexpected {statement.key}")


VERBS = {"copy": "copy", "merge": "merge", "create": "create", "drop": "drop", "insert": "insert", "delete": "clear",
         "alter": "rename"}


@pytest.mark.parametrize("path", REDSHIFT + [p for p in ATHENA if p.parent.name == "tables"], ids=_id)
def test_is_named_after_what_it_builds(path):
    statement = parse_file(path, "redshift" if "redshift" in path.parts else "athena")
    if path.parent.name == "state":  # what the load reads before it runs anything: queries only
        assert isinstance(statement, exp.Select)
        return
    built = _built(statement)
    if path.parent.name == "load":
        # create_<staging> (temporary), copy_<staging>, clear_<target> (the day) and insert_<target>,
        # or create_<staging>_unique and merge_<target>, drop_<staging>
        assert f"{VERBS[statement.key]}_{built}" == path.stem
        if statement.key in ("create", "drop"):
            assert built.startswith("stg_")  # only this load's own staging is created and dropped
        if statement.key == "create":
            assert statement.find(exp.TemporaryProperty) is not None, "staging must be temporary (per session)"
    elif "migrations" in path.parts:
        if path.parent.name == "migrations":  # the record every migration ends with
            assert (path.stem, statement.key, built) == ("record_schema_version", "insert", "schema_version")
        else:  # <NN>_<verb>_<table>, in the order they run
            number, _, rest = path.stem.partition("_")
            assert len(number) == 2 and number.isdigit() and rest == f"{VERBS[statement.key]}_{built}", path.stem
    else:
        assert path.stem == built


@pytest.mark.parametrize("path", sorted((SQL / "redshift" / "ddl").glob("*.sql")), ids=_id)
def test_redshift_tables_choose_distribution_and_explain_it(path):
    statement = parse_file(path, "redshift")
    props = statement.args["properties"].expressions
    assert any(isinstance(p, exp.DistStyleProperty) for p in props)
    header = path.read_text().split("create table")[0]
    assert "Keys:" in header and "dist" in header
    if path.stem.startswith(("fact_", "dim_")):
        assert any(isinstance(p, exp.SortKeyProperty) for p in props)
        assert statement.find(exp.PrimaryKey) is not None


@pytest.mark.parametrize("path", REDSHIFT, ids=_id)
def test_redshift_sql_survives_the_round_trip_the_target_makes(path):
    # RedshiftTarget sends bound statements generated back from sqlglot's tree: nothing may be lost.
    bound = bind(parse_file(path, "redshift"), SAMPLE_PARAMS)
    again = sqlglot.parse_one(bound.sql("redshift"), read="redshift")
    assert again == bound


@pytest.mark.parametrize("path", sorted((SQL / "athena" / "tables").glob("*.sql")), ids=_id)
def test_athena_tables_use_partition_projection(path):
    statement = parse_file(path, "athena")
    props = {p.this.name: p.args["value"].name for p in statement.find_all(exp.Property) if type(p) is exp.Property}
    partitions = [c.name for c in statement.find(exp.PartitionedByProperty).this.expressions]
    assert props["projection.enabled"] == "true"
    assert partitions in (["dt"], ["dt", "hr"])
    for column in partitions:
        assert f"projection.{column}.type" in props
    assert props["projection.dt.format"] == "yyyy-MM-dd"
    assert isinstance(statement.find(exp.LocationProperty).this, exp.Placeholder)


def test_the_load_plan_uses_every_load_file_and_only_those():
    planned = {name for step in plan.LOAD_STEPS for name in step.statement_names()}
    assert planned == {p.stem for p in (SQL / "redshift" / "load").glob("*.sql")}
    targets = {step.target for step in plan.LOAD_STEPS} | {"schema_version"}  # the migrations' own record
    assert targets == {p.stem for p in (SQL / "redshift" / "ddl").glob("*.sql")}  # no permanent staging


def test_each_daily_fact_is_replaced_by_day_and_inserted_one_row_per_key():
    """No MERGE with a literal in its ON (Redshift matches source and target columns only): the day is
    deleted and inserted in the load's transaction, from staging ranked by key."""
    for step in plan.LOAD_STEPS:
        if not step.replace_day:
            continue
        clear = parse_file(SQL / "redshift" / "load" / f"clear_{step.target}.sql", "redshift")
        assert isinstance(clear, exp.Delete) and "dt" in {c.name for c in clear.find_all(exp.Column)}
        insert = parse_file(SQL / "redshift" / "load" / f"insert_{step.target}.sql", "redshift")
        rank = insert.find(exp.Window)
        assert rank is not None and rank.this.key == "rownumber", step.target
        assert insert.find(exp.Where) is not None  # ... where copy_rank = 1
    merge = parse_file(SQL / "redshift" / "load" / "merge_dim_title.sql", "redshift")
    on = merge.args["on"]
    assert isinstance(on, exp.EQ) and {c.table for c in on.find_all(exp.Column)} == {"dim_title", "stg_dim_title_unique"}
    assert merge.this.name == "dim_title" and merge.args["using"].name == "stg_dim_title_unique"


def test_sqlfluff_lint_passes_on_every_file():
    done = subprocess.run([sys.executable, "-m", "sqlfluff", "lint", "sql", "--disable-progress-bar", "--nocolor"],
                          cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
