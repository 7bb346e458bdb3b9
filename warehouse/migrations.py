"""Versioned migrations of the warehouse schema: ``sql/redshift/migrations/<NNNN>_<what>/*.sql``.

``sql/redshift/ddl`` creates the current layout (``create table if not exists``), which brings a new
warehouse up to date but leaves a table an earlier version created as it was. A migration is a
directory of statements, one per file, run in file-name order in one transaction together with
its record in ``schema_version`` (``record_schema_version.sql``), so it is applied whole or not at
all, and once: the next load reads ``schema_version`` and leaves it out.

Version 1 is the first layout, which had no migrations and no ``schema_version``. What a warehouse
needs is decided from what it has (``SchemaState``, read with ``sql/redshift/state``):

- no warehouse table at all: new; the DDL creates the current layout, every migration is only
  recorded (running them would copy empty tables into the same layout);
- warehouse tables but no ``schema_version``: created before migrations existed, at version 1;
  every migration runs;
- ``schema_version``: the migrations it does not list run, in version order.

The statements come from the same SQL files on every target: the local DuckDB warehouse
(``warehouse.loader``) and Redshift through the workflow's Lambda (``load_statements.py``).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from sqlglot import exp

from warehouse.sql_files import bind, parse_file, sql_root

VERSION_TABLE = "schema_version"
BASELINE_VERSION = 1  # the first layout: no migration creates it


class MigrationError(ValueError):
    """The migrations directory is not laid out as versioned, consecutive, non-empty directories."""


@dataclasses.dataclass(frozen=True)
class Migration:
    version: int
    name: str
    files: tuple[Path, ...]

    def statements(self) -> list[exp.Expression]:
        """The migration's statements, in file-name order (none takes parameters)."""
        return [bind(parse_file(path, "redshift"), {}) for path in self.files]

    def record(self) -> exp.Expression:
        """The insert into schema_version that notes this migration, run in its transaction."""
        path = sql_root() / "redshift" / "migrations" / "record_schema_version.sql"
        return bind(parse_file(path, "redshift"), {"version": str(self.version), "name": self.name})


@dataclasses.dataclass(frozen=True)
class SchemaState:
    """What a warehouse has: its permanent tables, and the versions in schema_version (empty when
    it has no such table)."""

    tables: frozenset[str]
    applied: frozenset[int] = frozenset()


@dataclasses.dataclass(frozen=True)
class MigrationPlan:
    run: tuple[Migration, ...]  # applied: statements, then their record
    record_only: tuple[Migration, ...]  # a new warehouse has their result from the DDL already

    @property
    def pending(self) -> bool:
        return bool(self.run or self.record_only)


def migrations() -> list[Migration]:
    """Every migration under sql/redshift/migrations, by version: 2, 3, ... without gaps."""
    root = sql_root() / "redshift" / "migrations"
    found = []
    for directory in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
        number, _, name = directory.name.partition("_")
        if not (len(number) == 4 and number.isdigit() and name):
            raise MigrationError(f"{directory} is not named <NNNN>_<what> (e.g. 0002_ids_of_1024_bytes)")
        files = tuple(sorted(directory.glob("*.sql")))
        if not files:
            raise MigrationError(f"{directory} holds no statement")
        found.append(Migration(int(number), name, files))
    expected = list(range(BASELINE_VERSION + 1, BASELINE_VERSION + 1 + len(found)))
    if [m.version for m in found] != expected:
        raise MigrationError(f"migration versions must run {expected} without gaps, found {[m.version for m in found]}")
    return found


def plan(state: SchemaState, warehouse_tables: set[str], available: list[Migration] | None = None) -> MigrationPlan:
    """What a warehouse in ``state`` needs; ``warehouse_tables`` are the tables the DDL creates."""
    available = migrations() if available is None else available
    if VERSION_TABLE in state.tables:
        return MigrationPlan(tuple(m for m in available if m.version not in state.applied), ())
    if not state.tables & (warehouse_tables - {VERSION_TABLE}):
        return MigrationPlan((), tuple(available))
    return MigrationPlan(tuple(available), ())


def state_queries() -> tuple[exp.Expression, exp.Expression]:
    """The queries that read a SchemaState: the warehouse's tables, then (only when schema_version
    is among them) the versions it lists."""
    root = sql_root() / "redshift" / "state"
    return (bind(parse_file(root / "warehouse_tables.sql", "redshift"), {}),
            bind(parse_file(root / "applied_migrations.sql", "redshift"), {}))


def statements(migration_plan: MigrationPlan) -> list[tuple[str, exp.Expression]]:
    """(label, statement) of the plan, in order: each migration's statements then its record; the
    records of the migrations a new warehouse only notes."""
    ordered: list[tuple[str, exp.Expression]] = []
    for migration in migration_plan.run:
        label = f"migrations/{migration.version:04d}_{migration.name}"
        ordered += [(f"{label}/{path.stem}", statement)
                    for path, statement in zip(migration.files, migration.statements())]
        ordered.append((f"{label}/record_schema_version", migration.record()))
    for migration in migration_plan.record_only:
        ordered.append((f"migrations/{migration.version:04d}_{migration.name}/record_schema_version", migration.record()))
    return ordered
