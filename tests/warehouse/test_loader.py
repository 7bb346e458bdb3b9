"""Loading dts into the local warehouse with the Redshift SQL files: facts equal the curated zone,
a second load changes nothing, a reload replaces the day exactly, a failed load changes nothing."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from warehouse.loader import load_dt
from warehouse.targets import DuckDBTarget

FACTS = ("dim_title", "fact_title_daily", "fact_user_daily", "fact_device_daily", "fact_watch_session")
DTS = ("2024-03-09", "2024-03-10", "2024-03-11")


def dump(target) -> dict[str, list[tuple]]:
    # staging is temporary and dropped at the end of each load: only the facts hold anything afterwards
    leftover = target.connection.execute("select table_name from duckdb_tables() where temporary").fetchall()
    assert leftover == []
    return {t: sorted(target.connection.execute(f"select * from {t}").fetchall(), key=repr) for t in FACTS}


def test_facts_hold_the_curated_rows(loaded, reference):
    lake, target = loaded
    con = target.connection
    for day in DTS:
        want = reference.daily_user_engagement(lake, day)
        rows = con.execute(
            "select user_id, sessions, devices, watch_time_ms, total_session_ms, first_session_start, "
            "last_session_end from fact_user_daily where dt = ?", [dt.date.fromisoformat(day)]
        ).fetchall()
        assert {r[0]: dict(zip(next(iter(want.values())).keys(), r)) for r in rows} == want

        want = reference.daily_title_popularity(lake, day)
        rows = con.execute("select title_id, play_starts, watch_time_ms, peak_5m_viewers, watch_rank "
                           "from fact_title_daily where dt = ?", [dt.date.fromisoformat(day)]).fetchall()
        assert {r[0]: dict(zip(("title_id", "play_starts", "watch_time_ms", "peak_5m_viewers", "watch_rank"), r))
                for r in rows} == want

        want = reference.daily_device_summary(lake, day)
        rows = con.execute("select device_type, country, sessions, users, watch_time_ms, avg_session_ms "
                           "from fact_device_daily where dt = ?", [dt.date.fromisoformat(day)]).fetchall()
        assert {(r[0], r[1]): r[2:5] for r in rows} == {k: (v["sessions"], v["users"], v["watch_time_ms"])
                                                       for k, v in want.items()}
        for r in rows:
            assert r[5] == pytest.approx(want[(r[0], r[1])]["avg_session_ms"])

        sessions = {s["session_id"]: s for s in reference.sessions_of(lake, day)}
        rows = con.execute("select session_id, user_id, session_start, session_end, duration_ms, watch_time_ms "
                           "from fact_watch_session where dt = ?", [dt.date.fromisoformat(day)]).fetchall()
        assert {r[0]: r[1:] for r in rows} == {
            k: (s["user_id"], s["session_start"], s["session_end"], s["duration_ms"], s["watch_time_ms"])
            for k, s in sessions.items()
        }
    titles = con.execute("select title_id, name, kind, genre, release_year, runtime_ms from dim_title").fetchall()
    assert {t[0]: dict(zip(("title_id", "name", "kind", "genre", "release_year", "runtime_ms"), t))
            for t in titles} == reference.dim_title(lake)


def test_loading_a_dt_again_leaves_the_warehouse_unchanged(loaded):
    _lake, target = loaded
    facts_before = {t: rows for t, rows in dump(target).items() if t in FACTS}
    load_dt(target, "2024-03-10")
    everything = dump(target)  # staging now holds 2024-03-10
    assert {t: rows for t, rows in everything.items() if t in FACTS} == facts_before
    load_dt(target, "2024-03-10")
    assert dump(target) == everything


def test_the_report_counts_what_was_staged_and_kept(loaded, reference):
    lake, target = loaded
    report = load_dt(target, "2024-03-11")
    steps = {s.target: s for s in report.steps}
    assert steps["fact_title_daily"].data_files == 1 and steps["fact_title_daily"].target_rows == 0
    assert steps["fact_watch_session"].staged_rows == len(reference.sessions_of(lake, "2024-03-11"))
    assert steps["dim_title"].target_rows == len(reference.dim_title(lake))


def test_a_reload_replaces_the_day_exactly(loaded):
    lake, target = loaded
    day = "2024-03-09"
    directory = lake / "curated" / "daily_user_engagement" / f"dt={day}"
    (file,) = [f for f in directory.iterdir() if not f.name.startswith(("_", "."))]
    table = pq.read_table(file)
    kept = table.slice(0, 3)
    changed = kept.set_column(1, "sessions", pa.array([99, 98, 97], pa.int64()))
    pq.write_table(changed, file)
    other_day = target.connection.execute("select * from fact_user_daily where dt <> ? order by all",
                                          [dt.date.fromisoformat(day)]).fetchall()
    load_dt(target, day)
    rows = target.connection.execute("select user_id, sessions from fact_user_daily where dt = ? order by user_id",
                                     [dt.date.fromisoformat(day)]).fetchall()
    assert rows == sorted(zip(kept.column("user_id").to_pylist(), [99, 98, 97]))
    assert target.connection.execute("select * from fact_user_daily where dt <> ? order by all",
                                     [dt.date.fromisoformat(day)]).fetchall() == other_day


def test_a_day_without_sessions_is_emptied_in_the_facts(loaded):
    import shutil

    lake, target = loaded
    shutil.rmtree(lake / "processed" / "sessions" / "dt=2024-03-11")
    report = load_dt(target, "2024-03-11")
    step = {s.target: s for s in report.steps}["fact_watch_session"]
    assert step.data_files == 0 and step.target_rows == 0


def test_a_failing_load_changes_nothing(loaded):
    lake, target = loaded
    before = dump(target)
    directory = lake / "processed" / "sessions" / "dt=2024-03-10" / "hr=23"
    (directory / "part-broken").write_bytes(b"not parquet")
    with pytest.raises(Exception, match="(?i)parquet|magic"):
        load_dt(target, "2024-03-10")
    assert dump(target) == before


def test_the_warehouse_file_lives_in_the_lake_and_survives_reopening(loaded):
    lake, target = loaded
    before = dump(target)
    target.close()
    reopened = DuckDBTarget(lake)
    try:
        assert (lake / "warehouse.duckdb").is_file()
        assert dump(reopened) == before
    finally:
        reopened.close()


def _again(directory):
    """Every data file of a partition once more, as a second run (or a copied prefix) leaves them."""
    import shutil

    for path in sorted(p for p in directory.rglob("*") if p.is_file() and not p.name.startswith(("_", "."))):
        shutil.copyfile(path, path.with_name(path.name + "-again"))


def test_a_day_staged_twice_is_loaded_once(loaded, reference):
    """processed/sessions read again after a restart, curated files copied twice: one row per key."""
    lake, target = loaded
    day = "2024-03-09"
    before = dump(target)
    sessions_once = {s["session_id"]: s for s in reference.sessions_of(lake, day)}
    _again(lake / "processed" / "sessions" / f"dt={day}")
    for table in ("daily_user_engagement", "daily_title_popularity", "daily_device_summary", "dim_title"):
        _again(lake / "curated" / table / f"dt={day}")
    report = load_dt(target, day)
    steps = {s.target: s for s in report.steps}
    assert steps["fact_watch_session"].staged_rows == 2 * len(sessions_once)  # both copies reached staging
    assert dump(target) == before  # ... and the warehouse holds the day as once
    rows = target.connection.execute("select session_id, watch_time_ms from fact_watch_session where dt = ?",
                                     [dt.date.fromisoformat(day)]).fetchall()
    assert dict(rows) == {key: s["watch_time_ms"] for key, s in sessions_once.items()}


def test_of_two_differing_session_copies_the_load_keeps_the_one_with_more_events(loaded, reference):
    lake, target = loaded
    day = "2024-03-10"
    directory = lake / "processed" / "sessions" / f"dt={day}"
    first = sorted(p for p in directory.rglob("*") if p.is_file() and not p.name.startswith(("_", ".")))[0]
    table = pq.read_table(first)
    row = table.to_pylist()[0]
    longer = {**row, "event_count": row["event_count"] + 1, "watch_time_ms": row["watch_time_ms"] + 60_000,
              "session_end": row["session_end"] + dt.timedelta(minutes=1)}
    pq.write_table(pa.Table.from_pylist([longer, row], schema=table.schema), first.with_name("part-second-run"),
                   use_deprecated_int96_timestamps=True)
    load_dt(target, day)
    got = target.connection.execute("select event_count, watch_time_ms from fact_watch_session where session_id = ?",
                                    [row["session_id"]]).fetchall()
    assert got == [(longer["event_count"], longer["watch_time_ms"])]
