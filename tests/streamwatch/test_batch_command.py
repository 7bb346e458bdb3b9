"""`streamwatch batch` through the CLI runner (the session's one Spark is reused)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
from click.testing import CliRunner

from streamwatch.cli import main

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "processed_fixture"


def run(*args):
    return CliRunner().invoke(main, ["batch", *args], catch_exceptions=False)


def test_batch_builds_every_curated_table_for_the_dt(tmp_path):
    lake = Path(shutil.copytree(FIXTURE, tmp_path / "lake"))
    result = run("--dt", "2024-03-10", "--lake", str(lake))
    assert result.exit_code == 0, result.output
    for table, rows in (("dim_title", 8), ("daily_user_engagement", 7), ("daily_title_popularity", 7),
                        ("daily_device_summary", 7)):
        assert f"{table}" in result.output
        directory = lake / "curated" / table / "dt=2024-03-10"
        files = [f for f in directory.iterdir() if not f.name.startswith(("_", "."))]
        assert sum(pq.read_metadata(f).num_rows for f in files) == rows
    assert not (lake / "curated" / "dim_title" / "dt=2024-03-09").exists()
    assert "done" in result.output


def test_all_dts_and_one_table(tmp_path):
    lake = Path(shutil.copytree(FIXTURE, tmp_path / "lake"))
    result = run("--all-dts", "--table", "daily_device_summary", "--lake", str(lake))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (lake / "curated" / "daily_device_summary").iterdir()) == [
        "dt=2024-03-09", "dt=2024-03-10", "dt=2024-03-11"]
    assert not (lake / "curated" / "dim_title").exists()


def test_a_dt_without_processed_data_is_warned_about(tmp_path):
    lake = Path(shutil.copytree(FIXTURE, tmp_path / "lake"))
    result = run("--dt", "2024-04-01", "--table", "daily_device_summary", "--lake", str(lake))
    assert result.exit_code == 0 and "processed/ has nothing for dt=2024-04-01" in result.output


def test_bad_input_gets_a_clear_message(tmp_path):
    result = run("--dt", "2024-13-01", "--lake", str(tmp_path))
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output
    result = run("--dt", "2024-03-10", "--lake", str(tmp_path / "missing"))
    assert result.exit_code == 1 and "lake directory not found" in result.output
    result = run("--lake", str(tmp_path))
    assert result.exit_code == 2 and "--dt" in result.output


def test_help_has_an_example():
    result = run("--help")
    assert result.exit_code == 0 and "streamwatch batch --dt" in result.output
