"""Loading one dt into the warehouse: the same Redshift SQL files on either target.

``ensure_schema`` creates what is missing (tables), applies the migrations the warehouse has not
had (``warehouse.migrations``: a warehouse an earlier version created is brought to the current
layout, each migration once, with its record) and refreshes the views, in one transaction;
``load_dt`` runs every family's create staging -> COPY -> replace the day (or merge) -> drop
staging in ONE transaction, so a dt is loaded whole or not at all, and loading it again leaves the
warehouse as it was. Staging tables are temporary: each load (session) has its own.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Callable, Protocol, Sequence

from sqlglot import exp

from batch.args import validate_dt
from warehouse import migrations, plan
from warehouse.lake_files import DataFileLister
from warehouse.sql_files import bind, parse_file, sql_path
from warehouse.view_sql import view_statement


class Target(Protocol):
    dialect: str
    lake_uri: str
    iam_role: str
    files: DataFileLister

    def run(self, statements: Sequence[exp.Expression],
            on_statement: Callable[[int], None] | None = None) -> list[list[tuple] | None]: ...

    def query(self, statement: exp.Expression) -> tuple[list[str], list[tuple]]: ...


@dataclasses.dataclass(frozen=True)
class StepReport:
    target: str
    source_uri: str
    data_files: int
    staged_rows: int
    target_rows: int


@dataclasses.dataclass(frozen=True)
class LoadReport:
    dt: str
    steps: tuple[StepReport, ...]
    seconds: float


def redshift_statement(kind: str, name: str, params: dict[str, str] | None = None) -> exp.Expression:
    """``sql/redshift/<kind>/<name>.sql`` parsed and bound."""
    return bind(parse_file(sql_path("redshift", kind, name), "redshift"), params or {})


def read_schema_state(target: Target) -> migrations.SchemaState:
    """The warehouse's permanent tables and the migrations its schema_version lists."""
    tables_query, versions_query = migrations.state_queries()
    _columns, rows = target.query(tables_query)
    tables = frozenset(str(row[0]).lower() for row in rows)
    applied: frozenset[int] = frozenset()
    if migrations.VERSION_TABLE in tables:
        _columns, rows = target.query(versions_query)
        applied = frozenset(int(row[0]) for row in rows)
    return migrations.SchemaState(tables=tables, applied=applied)


def schema_statements(state: migrations.SchemaState) -> list[tuple[str, exp.Expression]]:
    """(label, statement): the DDL, the migrations ``state`` lacks (each with its record), the views."""
    statements = [(f"ddl/{name}", redshift_statement("ddl", name)) for name in plan.ddl_names()]
    statements += migrations.statements(migrations.plan(state, set(plan.ddl_names())))
    statements += [(f"views/{name}", view_statement(name)) for name in plan.view_names()]
    return statements


def ensure_schema(target: Target) -> list[str]:
    """Bring the warehouse to the current layout; returns the labels of what ran."""
    statements = schema_statements(read_schema_state(target))
    target.run([statement for _, statement in statements])
    return [label for label, _ in statements]


def load_dt(target: Target, dt: str, progress: Callable[[str], None] | None = None) -> LoadReport:
    """Load one dt of the curated zone (and processed sessions) into ``target``."""
    validate_dt(dt)
    started = time.perf_counter()
    ensure_schema(target)
    statements: list[exp.Expression] = []
    labels: list[str] = []
    file_counts: dict[str, int] = {}
    staged_at: dict[str, int] = {}  # family -> index of its staging count, read before the drop
    for step in plan.LOAD_STEPS:
        source_uri = step.source_uri(target.lake_uri, dt)
        file_counts[step.target] = len(target.files.data_files(source_uri))
        params = {"dt": dt, "source_uri": source_uri, "iam_role": target.iam_role}
        for name in step.statement_names():
            if name.startswith("copy_") and not file_counts[step.target]:
                continue  # nothing under the prefix: staging stays empty, the day is emptied
            if name.startswith("drop_"):
                staged_at[step.target] = len(statements)
                statements.append(_count_query(step.staging))
                labels.append(f"count {step.staging}")
            statements.append(redshift_statement("load", name, params))
            labels.append(name)
    results = target.run(statements, on_statement=(lambda n: progress(labels[n])) if progress else None)
    steps = tuple(
        StepReport(
            target=step.target,
            source_uri=step.source_uri(target.lake_uri, dt),
            data_files=file_counts[step.target],
            staged_rows=int(results[staged_at[step.target]][0][0]),
            target_rows=_count(target, step.target, None if step.target == "dim_title" else dt),
        )
        for step in plan.LOAD_STEPS
    )
    return LoadReport(dt=dt, steps=steps, seconds=time.perf_counter() - started)


def _count_query(table: str, dt: str | None = None) -> exp.Select:
    query = exp.select(exp.Count(this=exp.Star()).as_("n")).from_(exp.to_table(table))
    if dt is not None:
        query = query.where(exp.column("dt").eq(exp.cast(exp.Literal.string(dt), exp.DataType.build("date"))))
    return query


def _count(target: Target, table: str, dt: str | None = None) -> int:
    _columns, rows = target.query(_count_query(table, dt))
    return int(rows[0][0])
