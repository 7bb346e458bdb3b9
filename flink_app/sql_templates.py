"""Loads the job's Flink SQL from ``sql/*.sql`` and fills its named parameters.

Parameters are filled with Jinja2 under StrictUndefined, so a missing one fails loudly. Values
that end up inside SQL string literals go through the ``literal`` filter, which quotes and escapes
them; option maps go through ``options``. No query text is built by concatenation in Python.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import jinja2

SQL_DIR = Path(__file__).with_name("sql")


def sql_literal(value: Any) -> str:
    """``it's`` -> ``'it''s'``: a Flink SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def sql_options(options: Mapping[str, Any]) -> str:
    """A WITH-clause option list, one ``'key' = 'value'`` per line."""
    return ",\n".join(f"    {sql_literal(key)} = {sql_literal(value)}" for key, value in options.items())


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(SQL_DIR),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )
    environment.filters["literal"] = sql_literal
    environment.filters["options"] = sql_options
    return environment


def render(name: str, **parameters: Any) -> str:
    """The statement in ``sql/<name>.sql`` with its named parameters filled."""
    return _environment().get_template(f"{name}.sql").render(**parameters)


def statement_names() -> list[str]:
    """Every SQL file of the job, without extension."""
    return sorted(path.stem for path in SQL_DIR.glob("*.sql"))
