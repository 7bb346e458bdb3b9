"""The SQL files under ``sql/``: where they are, parsing them (one statement each) and filling their
named parameters (``:dt``, ``:source_uri`` ...) in the parsed tree, never in the text.

``sql/`` sits at the repository root, beside this package; ``$STREAMWATCH_SQL_DIR`` points elsewhere
(an installed copy, a packaged artefact).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Mapping

import sqlglot
from sqlglot import exp

SQL_DIR_ENV = "STREAMWATCH_SQL_DIR"
DIALECTS = {"redshift": "redshift", "athena": "athena"}


class SqlFileError(ValueError):
    """A SQL file is missing, does not parse, or holds other than one statement."""


class MissingParameterError(KeyError):
    """A statement still has a named parameter nobody gave a value for."""


def sql_root() -> Path:
    root = Path(os.environ[SQL_DIR_ENV]) if os.environ.get(SQL_DIR_ENV) else Path(__file__).resolve().parents[1] / "sql"
    if not (root / "redshift").is_dir():
        raise SqlFileError(f"SQL directory not found at {root} (set ${SQL_DIR_ENV} to the repository's sql/)")
    return root


def sql_path(engine: str, kind: str, name: str) -> Path:
    """``sql/<engine>/<kind>/<name>.sql``, e.g. ("redshift", "load", "copy_stg_dim_title")."""
    path = sql_root() / engine / kind / f"{name}.sql"
    if not path.is_file():
        raise SqlFileError(f"no SQL file {path}")
    return path


def sql_names(engine: str, kind: str) -> list[str]:
    """The names (file stems) of ``sql/<engine>/<kind>/*.sql``, sorted."""
    return sorted(p.stem for p in (sql_root() / engine / kind).glob("*.sql"))


def parse_file(path: Path, dialect: str) -> exp.Expression:
    """The one statement of ``path`` parsed in ``dialect`` (a fresh tree on every call)."""
    return _parse_cached(str(path), path.stat().st_mtime_ns, dialect).copy()


@functools.lru_cache(maxsize=256)
def _parse_cached(path: str, _mtime: int, dialect: str) -> exp.Expression:
    return parse_statement(Path(path).read_text(encoding="utf-8"), dialect, origin=path)


def parse_statement(text: str, dialect: str, origin: str = "<text>") -> exp.Expression:
    try:
        statements = [s for s in sqlglot.parse(text, read=dialect) if s is not None]
    except sqlglot.errors.ParseError as error:
        raise SqlFileError(f"{origin} does not parse as {dialect} SQL: {error}") from error
    if len(statements) != 1:
        raise SqlFileError(f"{origin} must hold exactly one statement, found {len(statements)}")
    return statements[0]


def parameter_names(statement: exp.Expression) -> set[str]:
    return {node.name for node in statement.find_all(exp.Placeholder) if node.name}


def bind(statement: exp.Expression, params: Mapping[str, str]) -> exp.Expression:
    """``statement`` with each named parameter replaced by a string literal of its value."""
    missing = parameter_names(statement) - set(params)
    if missing:
        raise MissingParameterError(f"no value for parameter(s) {', '.join(sorted(missing))}")
    literals = {name: exp.Literal.string(str(value)) for name, value in params.items()}
    return exp.replace_placeholders(statement, **literals)
