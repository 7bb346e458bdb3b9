"""Lambda: the Redshift statements that load one day, for the state machine's BatchExecuteStatement.

The statements are the project's own Redshift SQL files (``sql/redshift``, bundled under ``sql/``),
parsed and bound by the ``warehouse`` package exactly as ``streamwatch load --target redshift`` does
(named parameters ``:dt``, ``:source_uri``, ``:iam_role`` filled in sqlglot's tree, never in the text):
the schema first (DDL, then views; all idempotent), then per table family clear -> COPY -> merge ->
prune, in ``warehouse.plan.LOAD_STEPS`` order. Like ``warehouse.loader.load_dt``, a family whose lake
prefix holds no data file gets no COPY (Redshift's COPY fails on an empty prefix), so its staging
stays empty and the prune empties the day. BatchExecuteStatement runs the list in one transaction.

Environment: LAKE_URI (s3://bucket), COPY_ROLE_ARN (the role Redshift assumes for COPY).
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from pathlib import Path
from typing import Any

# BatchExecuteStatement accepts at most 40 SQL statements.
MAX_STATEMENTS = 40
SQL_DIR_ENV = "STREAMWATCH_SQL_DIR"
_DT = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class LoadPreparationError(RuntimeError):
    """The load cannot be prepared: bad dt, unusable SQL, or more statements than one batch takes."""


def check_dt(dt: Any) -> str:
    if not isinstance(dt, str) or not _DT.match(dt):
        raise LoadPreparationError(f"dt must be YYYY-MM-DD, got {dt!r}")
    try:
        _dt.date.fromisoformat(dt)
    except ValueError:
        raise LoadPreparationError(f"dt {dt!r} is not a real date") from None
    return dt


def statements_for_day(dt: str, lake_uri: str, iam_role: str, files: Any) -> list[tuple[str, str]]:
    """(file name, Redshift SQL) of everything loading ``dt`` runs, in order.

    ``files`` lists a prefix's data files (``warehouse.lake_files.S3Files`` on AWS).
    """
    from warehouse import plan
    from warehouse.sql_files import bind, parse_file, sql_path

    def render(kind: str, name: str, params: dict[str, str]) -> tuple[str, str]:
        statement = bind(parse_file(sql_path("redshift", kind, name), "redshift"), params)
        return f"{kind}/{name}", statement.sql(dialect="redshift")

    check_dt(dt)
    statements = [render("ddl", name, {}) for name in plan.ddl_names()]
    from warehouse.view_sql import view_statement

    statements += [(f"views/{name}", view_statement(name).sql(dialect="redshift")) for name in plan.view_names()]
    for step in plan.LOAD_STEPS:
        source_uri = step.source_uri(lake_uri, dt)
        has_data = bool(files.data_files(source_uri))
        params = {"dt": dt, "source_uri": source_uri, "iam_role": iam_role}
        for name in step.statement_names():
            if name.startswith("copy_") and not has_data:
                continue
            statements.append(render("load", name, params))
    if len(statements) > MAX_STATEMENTS:
        raise LoadPreparationError(f"{len(statements)} statements, more than BatchExecuteStatement's {MAX_STATEMENTS}")
    return statements


def handler(event: dict[str, Any], context: Any = None, s3: Any = None) -> dict[str, Any]:
    from warehouse.lake_files import S3Files

    # The SQL files travel in the bundle, beside this module.
    os.environ.setdefault(SQL_DIR_ENV, str(Path(__file__).resolve().with_name("sql")))
    dt = check_dt(event.get("dt"))
    statements = statements_for_day(dt, os.environ["LAKE_URI"], os.environ["COPY_ROLE_ARN"], S3Files(s3))
    return {"dt": dt, "names": [name for name, _ in statements], "sqls": [sql for _, sql in statements]}
