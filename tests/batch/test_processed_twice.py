"""A day of processed/ written twice (a skip-snapshot restart that read the stream again, an
overlapping replay) builds the same curated day as once; of two copies of a key that differ, the
one that saw more input is kept. The oracle is the plain-Python reference over the day written once."""

from __future__ import annotations

import datetime as dt
import shutil

import pyarrow as pa
import pyarrow.parquet as pq

from batch.dedup import Copies
from batch.runner import run_local

DT = "2024-03-09"
DAILY = ("daily_user_engagement", "daily_title_popularity", "daily_device_summary")


def _data_files(lake, table):
    base = lake / "processed" / table / f"dt={DT}"
    return sorted(p for p in base.rglob("*") if p.is_file() and not p.name.startswith(("_", ".")))


def _write_again(lake, table):
    """Every data file of the day once more, as a second run writes its own part files."""
    for path in _data_files(lake, table):
        shutil.copyfile(path, path.with_name(path.name + "-second-run"))


def _curated(reference, lake, table):
    rows = reference.keyed(table, reference.curated_rows(lake, table, DT))
    return {key: {c: v for c, v in row.items() if c != "dt"} for key, row in rows.items()}


def test_a_day_written_twice_builds_the_curated_day_of_once(spark, curated_copy, reference, tmp_path):
    once = shutil.copytree(curated_copy, tmp_path / "once")
    twice = curated_copy
    for table in ("sessions", "title_watch_5m"):
        _write_again(twice, table)
    # the doubled input really doubles a naive count (the oracle over it is not the one over once)
    assert reference.expected(twice, "daily_device_summary", DT) != reference.expected(once, "daily_device_summary", DT)

    runs = run_local(twice, [DT], tables=list(DAILY))

    for table in DAILY:
        assert _curated(reference, twice, table) == reference.expected(once, table, DT), table
    sessions = len(reference.sessions_of(once, DT))
    by_table = {run.result.table: run.result for run in runs}
    assert by_table["daily_user_engagement"].copies == Copies(extra_rows=sessions, differing_keys=0)
    assert "duplicate processed row(s) counted once" in by_table["daily_user_engagement"].copies_note()


def _changed(row: dict) -> dict:
    """The same session as a run that read one more minute of it would close it."""
    return {**row, "session_end": row["session_end"] + dt.timedelta(minutes=1),
            "duration_ms": row["duration_ms"] + 60_000, "event_count": row["event_count"] + 1,
            "watch_time_ms": row["watch_time_ms"] + 60_000}


def _write(path, table: pa.Table) -> None:
    pq.write_table(table, path, use_deprecated_int96_timestamps=True)  # as Flink writes timestamps


def test_of_two_differing_copies_the_one_that_saw_more_is_kept(spark, curated_copy, reference, tmp_path):
    lake = curated_copy
    first = _data_files(lake, "sessions")[0]
    original = pq.read_table(first)
    rows = original.to_pylist()
    longer = _changed(rows[0])
    # the oracle's input: the day written once, with the longer copy of that session in place of the shorter
    oracle = shutil.copytree(lake, tmp_path / "oracle")
    _write(oracle / first.relative_to(lake), pa.Table.from_pylist([longer, *rows[1:]], schema=original.schema))
    # the lake: a second run's file beside the first, holding the longer copy (and, before it, the shorter
    # one again, so that file order cannot be what decides)
    _write(first.with_name("part-9999-second-run"), pa.Table.from_pylist([rows[0], longer], schema=original.schema))

    runs = run_local(lake, [DT], tables=list(DAILY))

    for table in ("daily_user_engagement", "daily_device_summary"):
        assert _curated(reference, lake, table) == reference.expected(oracle, table, DT), table
    [engagement] = [run.result for run in runs if run.result.table == "daily_user_engagement"]
    assert engagement.copies == Copies(extra_rows=2, differing_keys=1)
    assert "kept the copy with the greater measures" in engagement.copies_note()
