"""Versioned migrations on the local warehouse: a warehouse the first layout created (ids of 64
bytes, permanent staging tables, no schema_version) is brought to the current one by the load,
keeping its rows; each migration runs once; a new warehouse only records them."""

from __future__ import annotations

import datetime as dt

import pytest

from warehouse import migrations
from warehouse.loader import ensure_schema, load_dt
from warehouse.sql_files import parse_statement
from warehouse.targets import DuckDBTarget

# The first layout, as the first version's sql/redshift/ddl created it (written out here: the
# repository's DDL is the current layout). Redshift SQL, run through the local translation as
# the first version's loader did, so that a varchar(64) refuses a longer value.
FIRST_LAYOUT = (
    "create table dim_title (title_id varchar(64) not null, name varchar(512), kind varchar(16), "
    "genre varchar(64), release_year integer, runtime_ms bigint, primary key (title_id)) diststyle all sortkey (title_id)",
    "create table fact_title_daily (dt date not null, title_id varchar(64) not null, play_starts bigint, "
    "watch_time_ms bigint, peak_5m_viewers bigint, watch_rank integer not null, primary key (dt, title_id)) "
    "diststyle even compound sortkey (dt, watch_rank)",
    "create table fact_user_daily (dt date not null, user_id varchar(64) not null, sessions bigint, devices bigint, "
    "watch_time_ms bigint, total_session_ms bigint, first_session_start timestamp, last_session_end timestamp, "
    "primary key (dt, user_id)) diststyle key distkey (user_id) compound sortkey (dt, user_id)",
    "create table fact_device_daily (dt date not null, device_type varchar(16) not null, country varchar(8) not null, "
    "sessions bigint, users bigint, watch_time_ms bigint, avg_session_ms double precision, "
    "primary key (dt, device_type, country)) diststyle all compound sortkey (dt, device_type)",
    "create table fact_watch_session (session_id varchar(64) not null, dt date not null, user_id varchar(64) not null, "
    "device_id varchar(64) not null, device_type varchar(16), country varchar(8), session_start timestamp not null, "
    "session_end timestamp not null, duration_ms bigint, event_count bigint, play_count bigint, titles_watched bigint, "
    "watch_time_ms bigint, primary key (session_id)) diststyle key distkey (user_id) compound sortkey (dt, session_start)",
    "create table stg_dim_title (title_id varchar(64), name varchar(512), kind varchar(16), genre varchar(64), "
    "release_year integer, runtime_ms bigint) diststyle all",
    "create table stg_user_daily (user_id varchar(64), sessions bigint, devices bigint, watch_time_ms bigint, "
    "total_session_ms bigint, first_session_start timestamp, last_session_end timestamp) diststyle key distkey (user_id)",
)
OLD_DAY = dt.date(2024, 1, 15)
OLD_ROWS = {
    "dim_title": [("t-old", "An Old Title", "movie", "drama", 1999, 5_400_000)],
    "fact_user_daily": [(OLD_DAY, "u-old", 2, 1, 3_600_000, 4_000_000,
                         dt.datetime(2024, 1, 15, 20, 0), dt.datetime(2024, 1, 15, 22, 0))],
    "fact_watch_session": [("s-old", OLD_DAY, "u-old", "d-old", "tv", "US", dt.datetime(2024, 1, 15, 20, 0),
                            dt.datetime(2024, 1, 15, 21, 0), 3_600_000, 40, 1, 1, 3_000_000)],
    "fact_title_daily": [(OLD_DAY, "t-old", 3, 3_000_000, 2, 1)],
}
ID_COLUMNS = {"dim_title": ["title_id"], "fact_title_daily": ["title_id"], "fact_user_daily": ["user_id"],
              "fact_watch_session": ["user_id", "device_id"]}


def _first_layout_warehouse(lake) -> DuckDBTarget:
    target = DuckDBTarget(lake)
    target.run([parse_statement(text, "redshift") for text in FIRST_LAYOUT])
    con = target.connection
    for table, rows in OLD_ROWS.items():
        marks = ", ".join("?" * len(rows[0]))
        con.executemany(f"insert into {table} values ({marks})", rows)
    con.execute("create view old_view as select * from fact_user_daily")
    return target


def _length_limits(target, table: str) -> dict[str, int]:
    """column -> n of the strlen(column) <= n check the local warehouse keeps for a varchar(n)."""
    limits = {}
    for (expression,) in target.connection.execute(
            "select expression from duckdb_constraints() where table_name = ? and constraint_type = 'CHECK'",
            [table]).fetchall():
        text = expression.lower().replace('"', "")
        if text.startswith("(strlen(") or text.startswith("strlen("):
            column = text.split("strlen(", 1)[1].split(")", 1)[0]
            limits[column] = int(text.rsplit("<=", 1)[1].strip(" )"))
    return limits


def test_the_first_layout_is_migrated_by_the_load_and_keeps_its_rows(lake):
    target = _first_layout_warehouse(lake)
    try:
        assert _length_limits(target, "fact_watch_session")["user_id"] == 64  # the old layout, as created
        load_dt(target, "2024-03-09")
        con = target.connection
        for table, columns in ID_COLUMNS.items():
            limits = _length_limits(target, table)
            assert {column: limits[column] for column in columns} == {column: 1024 for column in columns}, table
        # the rows the old layout held are all there, unchanged, beside the day just loaded
        for table, rows in OLD_ROWS.items():
            key = "title_id" if table == "dim_title" else "dt"
            value = "t-old" if table == "dim_title" else OLD_DAY
            assert con.execute(f"select * from {table} where {key} = ?", [value]).fetchall() == rows, table
        assert con.execute("select count(*) from fact_watch_session where dt = ?", [dt.date(2024, 3, 9)]).fetchone()[0] > 0
        # applied in order, once each, with their records
        versions = con.execute("select version, name from schema_version order by version").fetchall()
        assert versions == [(m.version, m.name) for m in migrations.migrations()]
        tables = {row[0] for row in con.execute("select table_name from duckdb_tables() where not temporary").fetchall()}
        assert not {name for name in tables if name.startswith("stg_")}  # the first layout's permanent staging
        assert not {name for name in tables if name.endswith("_wide")}
        # a 256-character id of 4-byte characters (1,024 bytes) now fits where 64 bytes did not
        con.execute("insert into dim_title (title_id, name) values (?, 'wide')", ["\U0001F3AC" * 256])
    finally:
        target.close()


def test_a_migration_runs_once(lake):
    target = _first_layout_warehouse(lake)
    try:
        first = ensure_schema(target)
        assert any("/record_schema_version" in label for label in first)
        assert [label for label in first if label.startswith("migrations/")][0].startswith("migrations/0002_")
        again = ensure_schema(target)
        assert not [label for label in again if label.startswith("migrations/")]
        assert target.connection.execute("select count(*) from schema_version").fetchone()[0] == len(migrations.migrations())
    finally:
        target.close()


def test_a_new_warehouse_only_records_the_migrations(lake):
    target = DuckDBTarget(lake)
    try:
        labels = ensure_schema(target)
        migration_labels = [label for label in labels if label.startswith("migrations/")]
        assert migration_labels and all(label.endswith("/record_schema_version") for label in migration_labels)
        assert [v for (v,) in target.connection.execute("select version from schema_version order by 1").fetchall()] == [
            m.version for m in migrations.migrations()]
    finally:
        target.close()


def test_a_failing_migration_leaves_the_warehouse_as_it_was(lake, monkeypatch):
    target = _first_layout_warehouse(lake)
    try:
        real = migrations.Migration.statements

        def broken(self):
            return real(self)[:-1] + [parse_statement("insert into no_such_table values (1)", "redshift")]

        monkeypatch.setattr(migrations.Migration, "statements", broken)
        with pytest.raises(Exception):
            ensure_schema(target)
        con = target.connection
        tables = {row[0] for row in con.execute("select table_name from duckdb_tables()").fetchall()}
        assert "schema_version" not in tables and "dim_title" in tables
        assert _length_limits(target, "dim_title")["title_id"] == 64
        assert con.execute("select * from dim_title").fetchall() == OLD_ROWS["dim_title"]
    finally:
        target.close()


def test_versions_must_follow_each_other(tmp_path, monkeypatch):
    root = tmp_path / "sql"
    (root / "redshift" / "migrations" / "0002_a").mkdir(parents=True)
    (root / "redshift" / "migrations" / "0002_a" / "01_drop_x.sql").write_text("drop table if exists x;\n")
    (root / "redshift" / "migrations" / "0004_b").mkdir()
    (root / "redshift" / "migrations" / "0004_b" / "01_drop_y.sql").write_text("drop table if exists y;\n")
    monkeypatch.setenv("STREAMWATCH_SQL_DIR", str(root))
    with pytest.raises(migrations.MigrationError, match="without gaps"):
        migrations.migrations()
