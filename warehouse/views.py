"""Reading the warehouse views (``sql/redshift/views``) in a stable order."""

from __future__ import annotations

import dataclasses

from sqlglot import exp

from warehouse.loader import Target
from warehouse.plan import VIEW_ORDER


@dataclasses.dataclass(frozen=True)
class Rows:
    columns: list[str]
    rows: list[tuple]


def read_view(target: Target, view: str, limit: int | None = None) -> Rows:
    if view not in VIEW_ORDER:
        raise KeyError(f"unknown view {view!r}; views: {', '.join(VIEW_ORDER)}")
    query = exp.select(exp.Star()).from_(exp.to_table(view)).order_by(*VIEW_ORDER[view])
    if limit is not None:
        query = query.limit(limit)
    columns, rows = target.query(query)
    return Rows(columns=columns, rows=rows)
