"""Every store holds the contract's maxima (DESIGN §3): ids of 256 characters go through the batch
(Parquet) and the same COPY/MERGE path into the warehouse intact, and the local warehouse refuses a
value longer than its Redshift column the way Redshift does (varchar(n) counts bytes), which DuckDB
on its own would not."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlglot import exp

from warehouse.sql_files import parse_file, sql_path

REPO = Path(__file__).resolve().parents[2]
DAY = "2024-05-01"
# 256 characters of 4 bytes each: the longest id the contract allows, 1,024 bytes in UTF-8.
LONGEST = 256
CLEF = "\U0001D11E"


def long_id(prefix: str, chars: int) -> str:
    return prefix + CLEF * (chars - 1)


def write_processed(lake: Path, user_id: str, device_id: str, title_id: str) -> None:
    start = dt.datetime(2024, 5, 1, 10, 0)
    sessions = pa.table({
        "session_id": ["0" * 32], "user_id": [user_id], "device_id": [device_id], "device_type": ["tv"],
        "country": ["DE"], "session_start": pa.array([start], pa.timestamp("ms")),
        "session_end": pa.array([start + dt.timedelta(minutes=20)], pa.timestamp("ms")),
        "duration_ms": [1_200_000], "event_count": [5], "play_count": [1], "titles_watched": [1],
        "watch_time_ms": [600_000],
    })
    windows = pa.table({
        "window_start": pa.array([start], pa.timestamp("ms")),
        "window_end": pa.array([start + dt.timedelta(minutes=5)], pa.timestamp("ms")),
        "title_id": [title_id], "play_starts": [1], "unique_viewers": [1], "watch_time_ms": [240_000],
    })
    for table, rows in (("sessions", sessions), ("title_watch_5m", windows)):
        directory = lake / "processed" / table / f"dt={DAY}" / "hr=10"
        directory.mkdir(parents=True)
        pq.write_table(rows, directory / "part-0")
    reference = lake / "reference"
    reference.mkdir()
    (reference / "dim_title.jsonl").write_text(
        '{"title_id": "%s", "name": "Long", "kind": "movie", "genre": "drama", "release_year": 2020, '
        '"runtime_ms": 1}\n' % title_id, encoding="utf-8")


def build_and_load(lake: Path):
    from batch.runner import run_local
    from warehouse.loader import load_dt
    from warehouse.targets import DuckDBTarget

    run_local(lake, [DAY])
    target = DuckDBTarget(lake)
    return target, load_dt


@pytest.fixture(scope="module")
def spark_session():
    from batch.spark import local_spark

    with local_spark("streamwatch-tests") as spark:
        yield spark


def test_ids_of_256_characters_reach_every_fact_intact(spark_session, tmp_path):
    user, device, title = long_id("u", LONGEST), long_id("d", LONGEST), long_id("t", LONGEST)
    assert len(user) == LONGEST and len(user.encode("utf-8")) == 1 + 4 * (LONGEST - 1)
    lake = tmp_path / "lake"
    write_processed(lake, user, device, title)
    target, load_dt = build_and_load(lake)
    try:
        report = load_dt(target, DAY)
        assert {step.target: step.target_rows for step in report.steps} == {
            "dim_title": 1, "fact_title_daily": 1, "fact_user_daily": 1, "fact_device_daily": 1,
            "fact_watch_session": 1}
        con = target.connection
        assert con.execute("select user_id, device_id from fact_watch_session").fetchall() == [(user, device)]
        assert con.execute("select user_id from fact_user_daily").fetchall() == [(user,)]
        assert con.execute("select title_id from fact_title_daily").fetchall() == [(title,)]
        assert con.execute("select title_id from dim_title").fetchall() == [(title,)]
    finally:
        target.close()


def test_an_id_longer_than_its_column_fails_the_load_as_redshift_would(spark_session, tmp_path):
    from warehouse.targets import ValueTooLongError

    # 257 four-byte characters: 1,028 bytes, past varchar(1024) (the job would have rejected it)
    lake = tmp_path / "lake"
    write_processed(lake, long_id("u", LONGEST + 1), "d1", "t1")
    target, load_dt = build_and_load(lake)
    try:
        with pytest.raises(ValueTooLongError, match="varchar"):
            load_dt(target, DAY)
        assert target.connection.execute("select count(*) from fact_watch_session").fetchone() == (0,)
        assert target.connection.execute("select count(*) from fact_user_daily").fetchone() == (0,)
    finally:
        target.close()


def test_the_local_check_counts_bytes_not_characters(tmp_path):
    import duckdb

    from warehouse.lake_files import LocalFiles
    from warehouse.sql_files import parse_statement
    from warehouse.to_duckdb import translate

    create = parse_statement("create table t (v varchar(4), n integer)", "redshift")
    con = duckdb.connect()
    con.execute(translate(create, LocalFiles()).sql("duckdb"))
    con.execute("insert into t values ('éé', 1)")  # 2 characters, 4 bytes: fits
    with pytest.raises(duckdb.ConstraintException):
        con.execute("insert into t values ('ééé', 2)")  # 3 characters, 6 bytes: Redshift refuses it
    con.execute("insert into t values (null, 3)")
    assert con.execute("select count(*) from t").fetchone() == (2,)


# ------------------------------------------------------------------ every store's declared limits

ID_COLUMNS = {"user_id", "device_id", "title_id", "event_id"}


def _redshift_columns():
    for path in sorted((REPO / "sql" / "redshift").rglob("*.sql")):
        statement = parse_file(path, "redshift")
        if isinstance(statement, exp.Create) and isinstance(statement.this, exp.Schema):
            for column in statement.this.expressions:
                if isinstance(column, exp.ColumnDef):
                    yield path.stem, column.name, column.args["kind"]


def test_redshift_id_columns_hold_256_characters_of_any_utf8():
    from warehouse.to_duckdb import text_length_limit

    seen = set()
    for table, name, kind in _redshift_columns():
        limit = text_length_limit(kind)
        if name in ID_COLUMNS:
            seen.add(name)
            assert limit is not None and limit >= 4 * LONGEST, f"{table}.{name} is {kind.sql('redshift')}"
        if name == "country":
            assert limit >= 2
        if (name.endswith("_ms") and not name.startswith("avg_")) or name in ("sessions", "users", "devices", "play_starts", "event_count"):
            assert kind.this == exp.DataType.Type.BIGINT, f"{table}.{name} must hold 15-digit values"
    assert seen == {"user_id", "device_id", "title_id"}


def test_athena_and_glue_tables_hold_the_maxima():
    """Athena DDL and the template's Glue tables: ids and texts as unbounded strings, numbers as bigint."""
    from streamwatch.aws.deploy import load_template

    for path in sorted((REPO / "sql" / "athena" / "tables").glob("*.sql")):
        statement = parse_file(path, "athena")
        for column in statement.this.expressions:
            kind = column.args["kind"]
            if column.name in ID_COLUMNS | {"search_query", "app_version", "raw"}:
                assert kind.this == exp.DataType.Type.TEXT or not kind.expressions, f"{path.stem}.{column.name}"
            if column.name == "position_ms":
                assert kind.this == exp.DataType.Type.BIGINT
    template = load_template((REPO / "infra" / "cloudformation" / "streamwatch.yaml").read_text())
    glue_tables = [r for r in template["Resources"].values() if r["Type"] == "AWS::Glue::Table"]
    assert glue_tables
    for resource in glue_tables:
        for column in resource["Properties"]["TableInput"]["StorageDescriptor"]["Columns"]:
            if column["Name"] in ID_COLUMNS | {"search_query", "app_version"}:
                assert column["Type"] == "string", column
            if column["Name"] == "position_ms" or (column["Name"].endswith("_ms") and not column["Name"].startswith("avg_")):
                assert column["Type"] == "bigint", column
