"""The local Athena engine: every table and every named query answers over the lake, partition
values stay strings, and the DDL renders for a real location."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import sqlglot

from warehouse.athena import ATHENA_LOCATIONS, AthenaError, LocalAthena, query_names, table_ddl, table_names


@pytest.fixture(scope="module")
def engine(curated_lake):
    athena = LocalAthena(curated_lake)
    yield athena
    athena.close()


def test_every_table_has_a_location_and_back():
    assert sorted(ATHENA_LOCATIONS) == table_names()


@pytest.mark.parametrize("table", sorted(ATHENA_LOCATIONS))
def test_every_table_answers(engine, table):
    rows = engine.execute(f"select * from {table} limit 5")
    assert rows.rows
    assert rows.columns[-1] in ("dt", "hr")


@pytest.mark.parametrize("name", query_names())
def test_every_query_answers(engine, name):
    assert engine.run_query(name).rows


def test_partitions_are_strings_and_database_names_are_accepted(engine, curated_lake, reference):
    rows = engine.execute("select hr, count(*) as n from awsdatacatalog.streamwatch.sessions "
                          "where dt = '2024-03-09' group by hr order by hr")
    assert rows.rows[0][0] == "00" and all(isinstance(r[0], str) for r in rows.rows)
    assert sum(r[1] for r in rows.rows) == len(reference.sessions_of(curated_lake, "2024-03-09"))


def test_timestamps_are_utc_whatever_the_parquet_encoding(engine, curated_lake, reference):
    want = sorted(s["session_start"] for s in reference.sessions_of(curated_lake, "2024-03-10"))
    got = [r[0] for r in engine.execute("select session_start from sessions where dt = '2024-03-10' "
                                        "order by session_start").rows]
    assert got == want


def test_a_zone_without_files_is_an_empty_table(tmp_path):
    (tmp_path / "lake").mkdir()
    athena = LocalAthena(tmp_path / "lake")
    rows = athena.execute("select * from sessions")
    assert rows.rows == [] and rows.columns[:2] == ["session_id", "user_id"] and rows.columns[-2:] == ["dt", "hr"]


def test_only_queries_run(engine):
    with pytest.raises(AthenaError, match="only queries"):
        engine.execute("drop table sessions")
    with pytest.raises(AthenaError, match="no query named"):
        engine.run_query("nope")


def test_table_ddl_fills_the_location_for_a_deployment():
    ddl = table_ddl("sessions", "s3://my-lake/prod")
    parsed = sqlglot.parse_one(ddl, read="athena")
    location = parsed.find(sqlglot.exp.LocationProperty)
    assert location.this.this == "s3://my-lake/prod/processed/sessions/"
    assert "'projection.enabled'='true'" in ddl and "--" not in ddl and "/*" not in ddl


FIXTURE = Path(__file__).resolve().parents[1] / "data" / "processed_fixture"


def test_raw_events_fields_come_from_the_record_text():
    """The fixture's raw/ holds a play twice (a redelivery, pretty-printed with newlines), a late play
    and a search, all of user u001 (make_fixture.py): events_by_type reads their fields out of `record`."""
    athena = LocalAthena(FIXTURE)
    try:
        assert athena.run_query("events_by_type").rows == [("2024-03-09", "play", 3, 1), ("2024-03-09", "search", 1, 1)]
        [(arrival, shard, sequence)] = athena.execute(
            "select arrival, shard_id, sequence_number from raw_events where hr = '06'").rows
    finally:
        athena.close()
    assert (arrival, shard, sequence) == (datetime(2024, 3, 9, 6, 14, 0, 300000), None, None)


def test_the_side_zones_are_parquet_with_timestamps_of_arrival():
    athena = LocalAthena(FIXTURE)
    try:
        [(reason, received)] = athena.execute("select reason, received_at from dlq_records").rows
        [(event_id, sent_at, late_received)] = athena.execute(
            "select event_id, sent_at, received_at from late_events").rows
    finally:
        athena.close()
    assert (reason, received) == ("not valid JSON", datetime(2024, 3, 9, 7, 16))
    assert (event_id, sent_at, late_received) == ("5b0c8f0e-0000-4000-8000-000000000003", None,
                                                 datetime(2024, 3, 9, 7, 20))
