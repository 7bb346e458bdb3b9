"""Every curated table, every dt of the fixture, against the plain-Python reference: same rows,
same values (the reference reads the Parquet files with pyarrow and aggregates with loops)."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from batch.schemas import CURATED_COLUMNS

TABLES = ["daily_user_engagement", "daily_title_popularity", "daily_device_summary", "dim_title"]
DTS = ["2024-03-09", "2024-03-10", "2024-03-11"]


@pytest.mark.parametrize("dt", DTS)
@pytest.mark.parametrize("table", TABLES)
def test_curated_rows_equal_the_reference(curated_lake, reference, table, dt):
    got = reference.keyed(table, reference.curated_rows(curated_lake, table, dt))
    want = reference.expected(curated_lake, table, dt)
    assert set(got) == set(want)
    for key, row in want.items():
        actual = {k: v for k, v in got[key].items() if k != "dt"}
        if "avg_session_ms" in row:
            assert actual.pop("avg_session_ms") == pytest.approx(row["avg_session_ms"], rel=1e-12)
            row = {k: v for k, v in row.items() if k != "avg_session_ms"}
        assert actual == row, key


def test_the_fixture_has_what_the_golden_test_relies_on(curated_lake, reference):
    # A tie on watch time decided by title_id, a session crossing midnight kept on its start's dt,
    # and a day without playback (empty title popularity).
    popularity = reference.daily_title_popularity(curated_lake, "2024-03-10")
    first, second = sorted(popularity.values(), key=lambda r: r["watch_rank"])[:2]
    assert first["watch_time_ms"] == second["watch_time_ms"] and first["title_id"] < second["title_id"]
    crossing = [s for s in reference.sessions_of(curated_lake, "2024-03-09") if s["session_end"].day == 10]
    assert crossing
    assert reference.daily_title_popularity(curated_lake, "2024-03-11") == {}


@pytest.mark.parametrize("table", TABLES)
def test_files_hold_the_contract_columns_in_order_and_dt_only_in_the_path(curated_lake, table):
    partitions = sorted(p.name for p in (curated_lake / "curated" / table).iterdir() if p.is_dir())
    assert partitions == [f"dt={d}" for d in DTS]
    for partition in partitions:
        files = [f for f in (curated_lake / "curated" / table / partition).iterdir()
                 if not f.name.startswith(("_", "."))]
        assert len(files) == 1
        assert tuple(pq.read_schema(files[0]).names) == CURATED_COLUMNS[table]


def test_types_are_the_contract_types(curated_lake):
    import pyarrow as pa

    def schema(table):
        files = [f for f in (curated_lake / "curated" / table / "dt=2024-03-09").iterdir()
                 if not f.name.startswith(("_", "."))]
        return pq.read_schema(files[0])

    engagement = schema("daily_user_engagement")
    assert engagement.field("sessions").type == pa.int64()
    assert pa.types.is_timestamp(engagement.field("first_session_start").type)
    assert schema("daily_device_summary").field("avg_session_ms").type == pa.float64()
    assert schema("dim_title").field("release_year").type == pa.int32()


def test_an_empty_day_is_an_empty_file_not_a_missing_partition(curated_lake):
    directory = curated_lake / "curated" / "daily_title_popularity" / "dt=2024-03-11"
    files = [f for f in directory.iterdir() if not f.name.startswith(("_", "."))]
    assert len(files) == 1 and pq.read_table(files[0]).num_rows == 0
    assert tuple(pq.read_schema(files[0]).names) == CURATED_COLUMNS["daily_title_popularity"]


def test_processed_partitions_read_as_strings_and_hidden_files_are_skipped(spark, curated_lake):
    from batch.storage import read_processed

    frame = read_processed(spark, (curated_lake / "processed").as_uri(), "title_watch_5m", "2024-03-09")
    hours = sorted({row["hr"] for row in frame.select("hr").collect()})
    assert hours == ["07", "09", "20", "21"]
    assert dict(frame.dtypes)["hr"] == "string" and dict(frame.dtypes)["window_start"] == "timestamp"


def test_a_dt_without_processed_data_reads_as_no_rows(spark, curated_lake):
    from batch.storage import read_processed

    assert read_processed(spark, (curated_lake / "processed").as_uri(), "sessions", "2030-01-01").count() == 0
