"""Lambda: the Redshift statements that load one day, for the state machine's BatchExecuteStatement.

The statements are the project's own Redshift SQL files (``sql/redshift``, bundled under ``sql/``),
parsed and bound by the ``warehouse`` package exactly as ``streamwatch load --target redshift`` does
(named parameters ``:dt``, ``:source_uri``, ``:iam_role`` filled in sqlglot's tree, never in the text):
the schema first (DDL, then views; all idempotent), then per table family create staging -> COPY ->
replace the day (or MERGE the titles) -> drop staging, in ``warehouse.plan.LOAD_STEPS`` order. Like
``warehouse.loader.load_dt``, a family whose lake prefix holds no data file gets no COPY (Redshift's
COPY fails on an empty prefix), so its staging stays empty and the day is emptied.
BatchExecuteStatement runs the list in one transaction.

Before that it reads the warehouse's schema state through the Redshift Data API (which tables it
has, which migrations its schema_version lists: ``warehouse.migrations``). When migrations are
pending it returns them alone (``schema_only``: DDL, as many whole migrations with their records as
one batch of at most 40 statements takes, views); the workflow runs that batch and asks again, and
the load comes once nothing is pending.

Event ``{"dt": "YYYY-MM-DD"}``. Returns ``{"dt", "names", "sqls", "schema_only", "max_checks"}``.

Environment: LAKE_URI (s3://bucket), COPY_ROLE_ARN (the role Redshift assumes for COPY),
REDSHIFT_WORKGROUP, REDSHIFT_DATABASE, REDSHIFT_SECRET_ARN (the Data API's target), MAX_LOAD_CHECKS
(how often the workflow checks the load before it cancels it), optional QUERY_TIMEOUT_SECONDS.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import time
from pathlib import Path
from typing import Any, Callable

# BatchExecuteStatement accepts at most 40 SQL statements.
MAX_STATEMENTS = 40
SQL_DIR_ENV = "STREAMWATCH_SQL_DIR"
_DT = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class LoadPreparationError(RuntimeError):
    """The load cannot be prepared: bad dt, unusable SQL, or more statements than one batch takes."""


class SchemaStateUnknown(RuntimeError):
    """The warehouse's schema version could not be read (the query failed or did not finish in time)."""


def check_dt(dt: Any) -> str:
    if not isinstance(dt, str) or not _DT.match(dt):
        raise LoadPreparationError(f"dt must be YYYY-MM-DD, got {dt!r}")
    try:
        _dt.date.fromisoformat(dt)
    except ValueError:
        raise LoadPreparationError(f"dt {dt!r} is not a real date") from None
    return dt


def _render(kind: str, name: str, params: dict[str, str]) -> tuple[str, str]:
    from warehouse.sql_files import bind, parse_file, sql_path

    statement = bind(parse_file(sql_path("redshift", kind, name), "redshift"), params)
    return f"{kind}/{name}", statement.sql(dialect="redshift")


def _schema_statements(migrated: list[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
    """The DDL (idempotent), then ``migrated`` (migrations with their records), then the views."""
    from warehouse import plan
    from warehouse.view_sql import view_statement

    ddl = [_render("ddl", name, {}) for name in plan.ddl_names()]
    views = [(f"views/{name}", view_statement(name).sql(dialect="redshift")) for name in plan.view_names()]
    return ddl + (migrated or []) + views


def statements_for_day(dt: str, lake_uri: str, iam_role: str, files: Any) -> list[tuple[str, str]]:
    """(file name, Redshift SQL) of everything loading ``dt`` runs, in order.

    ``files`` lists a prefix's data files (``warehouse.lake_files.S3Files`` on AWS).
    """
    from warehouse import plan

    check_dt(dt)
    statements = _schema_statements()
    for step in plan.LOAD_STEPS:
        source_uri = step.source_uri(lake_uri, dt)
        has_data = bool(files.data_files(source_uri))
        params = {"dt": dt, "source_uri": source_uri, "iam_role": iam_role}
        for name in step.statement_names():
            if name.startswith("copy_") and not has_data:
                continue
            statements.append(_render("load", name, params))
    if len(statements) > MAX_STATEMENTS:
        raise LoadPreparationError(f"{len(statements)} statements, more than BatchExecuteStatement's {MAX_STATEMENTS}")
    return statements


def schema_update(state: Any) -> list[tuple[str, str]]:
    """(name, Redshift SQL) of the next schema batch for a warehouse in ``state`` (a
    ``warehouse.migrations.SchemaState``): the DDL, the first pending migrations that fit in one
    batch, whole and with their records, the views. Empty when nothing is pending."""
    from warehouse import migrations, plan

    pending = migrations.plan(state, set(plan.ddl_names()))
    if not pending.pending:
        return []
    room = MAX_STATEMENTS - len(_schema_statements())
    chosen: list[tuple[str, str]] = []
    for part in ([migrations.MigrationPlan((m,), ()) for m in pending.run]
                 + [migrations.MigrationPlan((), (m,)) for m in pending.record_only]):
        rendered = [(label, statement.sql(dialect="redshift")) for label, statement in migrations.statements(part)]
        if len(chosen) + len(rendered) > room:
            if not chosen:
                raise LoadPreparationError(f"{rendered[0][0].rsplit('/', 1)[0]} has {len(rendered)} statements with "
                                           f"its record, more than a batch takes beside the DDL and views ({room})")
            break
        chosen += rendered
    return _schema_statements(chosen)


def read_schema_state(client: Any, workgroup: str, database: str, secret_arn: str, timeout_seconds: float,
                      sleep: Callable[[float], None] = time.sleep) -> Any:
    """The warehouse's tables and applied migrations, through the Redshift Data API."""
    from warehouse import migrations

    tables_query, versions_query = migrations.state_queries()

    def rows(statement: Any) -> list[list[Any]]:
        started = client.execute_statement(WorkgroupName=workgroup, Database=database, SecretArn=secret_arn,
                                           Sql=statement.sql(dialect="redshift"))
        deadline = time.monotonic() + timeout_seconds
        while True:
            described = client.describe_statement(Id=started["Id"])
            if described["Status"] == "FINISHED":
                break
            if described["Status"] in ("FAILED", "ABORTED"):
                raise SchemaStateUnknown(f"reading the schema state failed: {described.get('Error', described['Status'])}")
            if time.monotonic() > deadline:
                raise SchemaStateUnknown(f"reading the schema state did not finish in {timeout_seconds:.0f} s")
            sleep(1.0)
        records, token = [], None
        while True:
            page = client.get_statement_result(Id=started["Id"], **({"NextToken": token} if token else {}))
            records += [[next(iter(field.values())) for field in record] for record in page.get("Records", [])]
            token = page.get("NextToken")
            if not token:
                return records

    tables = frozenset(str(record[0]).lower() for record in rows(tables_query))
    applied: frozenset[int] = frozenset()
    if migrations.VERSION_TABLE in tables:
        applied = frozenset(int(record[0]) for record in rows(versions_query))
    return migrations.SchemaState(tables=tables, applied=applied)


def handler(event: dict[str, Any], context: Any = None, s3: Any = None, redshift_data: Any = None) -> dict[str, Any]:
    from warehouse.lake_files import S3Files

    # The SQL files travel in the bundle, beside this module.
    os.environ.setdefault(SQL_DIR_ENV, str(Path(__file__).resolve().with_name("sql")))
    dt = check_dt(event.get("dt"))
    if redshift_data is None:
        import boto3

        redshift_data = boto3.client("redshift-data")
    state = read_schema_state(redshift_data, os.environ["REDSHIFT_WORKGROUP"], os.environ["REDSHIFT_DATABASE"],
                              os.environ["REDSHIFT_SECRET_ARN"], float(os.environ.get("QUERY_TIMEOUT_SECONDS", "240")))
    statements = schema_update(state)
    schema_only = bool(statements)
    if not schema_only:
        statements = statements_for_day(dt, os.environ["LAKE_URI"], os.environ["COPY_ROLE_ARN"], S3Files(s3))
    return {"dt": dt, "names": [name for name, _ in statements], "sqls": [sql for _, sql in statements],
            "schema_only": schema_only, "max_checks": int(os.environ.get("MAX_LOAD_CHECKS", "120"))}
