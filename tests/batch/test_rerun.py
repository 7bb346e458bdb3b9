"""A rerun for a dt replaces exactly that dt: same result when nothing changed, new result (and no
leftovers) when the processed zone changed, other dts untouched."""

from __future__ import annotations

import shutil

from batch.runner import run_local

DT = "2024-03-09"


def _snapshot(lake, reference):
    tables = ["daily_user_engagement", "daily_title_popularity", "daily_device_summary", "dim_title"]
    return {
        (table, dt): sorted(map(repr, reference.curated_rows(lake, table, dt)))
        for table in tables
        for dt in ("2024-03-09", "2024-03-10")
    }


def _data_files(lake):
    return sorted(p for p in (lake / "curated").rglob("*") if p.is_file() and not p.name.startswith(("_", ".")))


def test_batch_twice_gives_identical_curated_data(spark, curated_copy, reference):
    first, first_files = _snapshot(curated_copy, reference), _data_files(curated_copy)
    run_local(curated_copy, [DT])
    assert _snapshot(curated_copy, reference) == first
    second_files = _data_files(curated_copy)
    assert len(second_files) == len(first_files)  # one file per partition, none left behind
    assert {f for f in first_files if f"dt={DT}" not in str(f)} <= set(second_files)  # other dts not rewritten
    assert {f for f in first_files if f"dt={DT}" in str(f)}.isdisjoint(second_files)  # this dt was


def test_a_rerun_after_the_processed_zone_changed_replaces_the_day(spark, curated_copy, reference):
    fixture_lake = curated_copy
    for table in ("sessions", "title_watch_5m"):
        shutil.rmtree(fixture_lake / "processed" / table / f"dt={DT}" / "hr=07")
    run_local(fixture_lake, [DT], tables=["daily_user_engagement", "daily_title_popularity"])
    for table in ("daily_user_engagement", "daily_title_popularity"):
        got = reference.keyed(table, reference.curated_rows(fixture_lake, table, DT))
        want = reference.expected(fixture_lake, table, DT)
        assert {k: {c: v for c, v in r.items() if c != "dt"} for k, r in got.items()} == want


def test_a_day_that_lost_all_its_data_is_emptied(spark, curated_copy, reference):
    fixture_lake = curated_copy
    assert reference.curated_rows(fixture_lake, "daily_device_summary", DT)
    shutil.rmtree(fixture_lake / "processed" / "sessions" / f"dt={DT}")
    run_local(fixture_lake, [DT], tables=["daily_device_summary"])
    assert reference.curated_rows(fixture_lake, "daily_device_summary", DT) == []
