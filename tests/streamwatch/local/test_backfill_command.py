"""`streamwatch backfill` through the CLI runner: every day of the range is built and loaded, a second
run changes nothing, an unfinished day stops the whole range before anything is done."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
from click.testing import CliRunner

from streamwatch.cli import main

FIXTURE = Path(__file__).resolve().parents[2] / "data" / "processed_fixture"
DAYS = ["2024-03-09", "2024-03-10", "2024-03-11"]


def run(*args):
    return CliRunner().invoke(main, ["backfill", *args], catch_exceptions=False)


def sessions_per_day(lake: Path) -> dict[str, int]:
    """The oracle: rows of processed/sessions per dt, read straight from the Parquet files."""
    counts: dict[str, int] = {}
    for path in (lake / "processed" / "sessions").rglob("*"):
        relative = path.relative_to(lake / "processed" / "sessions").parts
        if path.is_file() and not any(p.startswith(("_", ".")) for p in relative):
            counts[relative[0][3:]] = counts.get(relative[0][3:], 0) + pq.read_metadata(path).num_rows
    return counts


def warehouse_sessions(lake: Path) -> dict[str, int]:
    with duckdb.connect(str(lake / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute("select cast(dt as varchar), count(*) from fact_watch_session group by dt").fetchall()
    return dict(rows)


def test_backfill_builds_and_loads_every_day_and_can_run_again(tmp_path):
    lake = Path(shutil.copytree(FIXTURE, tmp_path / "lake"))
    result = run("--from", DAYS[0], "--to", DAYS[-1], "--lake", str(lake))
    assert result.exit_code == 0, result.output
    for day in DAYS:
        assert f"dt={day}" in result.output
        assert (lake / "curated" / "daily_user_engagement" / f"dt={day}").is_dir()
    want = sessions_per_day(lake)
    assert warehouse_sessions(lake) == want and sum(want.values()) > 0
    again = run("--from", DAYS[0], "--to", DAYS[-1], "--lake", str(lake))
    assert again.exit_code == 0, again.output
    assert warehouse_sessions(lake) == want


def test_an_unfinished_day_in_the_range_stops_everything(tmp_path):
    lake = Path(shutil.copytree(FIXTURE, tmp_path / "lake"))
    (lake / "processed" / "stream_progress" / "_END_OF_INPUT").unlink()
    result = run("--from", DAYS[0], "--to", DAYS[-1], "--lake", str(lake))
    assert result.exit_code == 1 and "dt=2024-03-11 is not complete yet" in " ".join(result.output.split())
    assert not (lake / "curated").exists() and not (lake / "warehouse.duckdb").exists()


def test_a_reversed_or_malformed_range_is_a_usage_error(tmp_path):
    result = run("--from", "2024-03-11", "--to", "2024-03-09", "--lake", str(tmp_path))
    assert result.exit_code == 2 and "before --from" in result.output
    result = run("--from", "2024-03-32", "--to", "2024-04-01", "--lake", str(tmp_path))
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


def test_each_complete_day_is_compacted_unless_no_compact(tmp_path, monkeypatch):
    """What the command asks of run_backfill (the compaction itself: tests/batch/test_compaction.py and
    tests/streamwatch/test_batch_command.py)."""
    from streamwatch.local import backfill

    asked = []
    monkeypatch.setattr(backfill, "run_backfill", lambda lake, days, target, **kw: asked.append(list(kw["compact_dts"])) or [])
    lake = Path(shutil.copytree(FIXTURE, tmp_path / "lake"))

    assert run("--from", DAYS[0], "--to", DAYS[-1], "--lake", str(lake)).exit_code == 0
    assert run("--from", DAYS[0], "--to", DAYS[-1], "--lake", str(lake), "--no-compact").exit_code == 0
    assert asked == [DAYS, []]
    assert "--no-compact" in run("--help").output
