"""Rows as rich tables, CSV or JSON for the terminal (query command and demo)."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
from typing import Any, Sequence

from rich.table import Table


def plain(value: Any) -> Any:
    """A JSON-friendly form of a value from DuckDB or Redshift."""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="milliseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def text(value: Any) -> str:
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def rows_table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> Table:
    table = Table(title=title, title_justify="left", header_style="bold")
    for name, sample in zip(columns, rows[0] if rows else [None] * len(columns)):
        numeric = isinstance(plain(sample), (int, float)) and not isinstance(sample, bool)
        table.add_column(name, justify="right" if numeric else "left")
    for row in rows:
        table.add_row(*(text(v) for v in row))
    return table


def rows_csv(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([[plain(v) for v in row] for row in rows])
    return buffer.getvalue()


def rows_json(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    return json.dumps([{c: plain(v) for c, v in zip(columns, row)} for row in rows], indent=2)
