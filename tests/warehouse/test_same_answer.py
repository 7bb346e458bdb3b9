"""Two query engines, one answer: each Athena query (local Athena over the lake) and the warehouse
view that answers the same question (local warehouse loaded from the same lake) give the same rows.
Four of the views are generated from their Athena query (warehouse/view_sql.py); the fifth is
hand-written and held to the same rows here, including after the title catalog changed."""

from __future__ import annotations

import datetime as dt
import decimal
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from warehouse.athena import LocalAthena
from warehouse.view_sql import GENERATED_FROM_ATHENA, SAME_QUESTION, generated_view, view_names
from warehouse.views import read_view

FIXTURE_DTS = ("2024-03-09", "2024-03-10", "2024-03-11")


def normal(value):
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (float, decimal.Decimal)):
        return round(float(value), 6)
    return value


def rows_of(columns, rows):
    return columns, sorted((tuple(normal(v) for v in row) for row in rows), key=repr)


def answers(lake: Path, target, query: str, view: str):
    engine = LocalAthena(lake)
    try:
        athena = engine.run_query(query)
    finally:
        engine.close()
    warehouse = read_view(target, view)
    return rows_of(athena.columns, athena.rows), rows_of(warehouse.columns, warehouse.rows)


@pytest.mark.parametrize("query", sorted(SAME_QUESTION))
def test_the_athena_query_and_its_view_give_the_same_rows(loaded, query):
    lake, target = loaded
    athena, warehouse = answers(lake, target, query, SAME_QUESTION[query])
    assert athena[0] == warehouse[0]  # same columns, same order
    assert athena[1] == warehouse[1] and athena[1], query  # same rows, and not none at all


def test_generated_views_are_the_athena_query_on_warehouse_tables():
    assert set(GENERATED_FROM_ATHENA) <= set(view_names())
    for view in GENERATED_FROM_ATHENA:
        statement = generated_view(view)
        tables = {t.name for t in statement.expression.find_all(__import__("sqlglot").exp.Table)}
        assert tables and all(t.startswith(("fact_", "dim_")) or t in _ctes(statement) for t in tables), tables
        assert statement.expression.args.get("order") is None
        text = statement.sql("redshift", comments=False)
        again = __import__("sqlglot").parse_one(statement.sql("redshift"), read="redshift")
        assert again.sql("redshift", comments=False) == text  # Redshift reads back what is sent


def _ctes(statement):
    from sqlglot import exp

    return {cte.alias for cte in statement.find_all(exp.CTE)}


def test_top_titles_agree_after_the_catalog_renamed_a_title(loaded, tmp_path):
    """The hand-written pair: a title renamed in the newest catalog snapshot shows its new name for
    every day in both engines (the warehouse's dim_title keeps the latest version of a title)."""
    from warehouse.loader import load_dt
    from warehouse.targets import DuckDBTarget

    lake, target = loaded
    target.close()
    copy = Path(shutil.copytree(lake, tmp_path / "renamed"))
    snapshot = copy / "curated" / "dim_title" / f"dt={FIXTURE_DTS[-1]}"
    [data_file] = [f for f in snapshot.iterdir() if not f.name.startswith(("_", "."))]
    table = pq.read_table(data_file)
    names = [f"New {name}" for name in table.column("name").to_pylist()]  # every title renamed
    pq.write_table(table.set_column(table.schema.get_field_index("name"), "name", pa.array(names)), data_file)
    warehouse = DuckDBTarget(copy)
    try:
        load_dt(warehouse, FIXTURE_DTS[-1])
        athena, view = answers(copy, warehouse, "top_titles_daily", "top_titles_daily")
    finally:
        warehouse.close()
    assert athena == view
    shown = {row[athena[0].index("title_name")] for row in athena[1]}
    assert shown and all(name.startswith("New ") for name in shown)  # on every day, not only the newest
