"""`streamwatch load` through the CLI runner: the local warehouse, and Redshift's settings."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from streamwatch.cli import main

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "processed_fixture"
DT = "2024-03-10"


def run(*args, env=None):
    return CliRunner().invoke(main, ["load", *args], catch_exceptions=False, env=env)


@pytest.fixture(scope="module")
def curated(tmp_path_factory) -> Path:
    from batch.runner import run_local

    lake = Path(shutil.copytree(FIXTURE, tmp_path_factory.mktemp("load") / "lake"))
    run_local(lake, [DT])
    return lake


def _facts(lake: Path) -> dict:
    with duckdb.connect(str(lake / "warehouse.duckdb"), read_only=True) as con:
        return {t: sorted(con.execute(f"select * from {t}").fetchall(), key=repr)
                for t in ("dim_title", "fact_title_daily", "fact_user_daily", "fact_device_daily", "fact_watch_session")}


def test_load_fills_the_local_warehouse_and_a_second_load_changes_nothing(curated, tmp_path):
    lake = Path(shutil.copytree(curated, tmp_path / "lake"))
    result = run("--dt", DT, "--lake", str(lake))
    assert result.exit_code == 0, result.output
    assert "fact_watch_session" in result.output and str(lake / "warehouse.duckdb") in result.output
    first = _facts(lake)
    assert len(first["fact_user_daily"]) == 7 and len(first["fact_watch_session"]) == 8
    assert run("--dt", DT, "--lake", str(lake)).exit_code == 0
    assert _facts(lake) == first


def test_redshift_target_needs_its_settings():
    result = run("--dt", DT, "--target", "redshift", env={"REDSHIFT_HOST": "", "REDSHIFT_PASSWORD": ""})
    assert result.exit_code == 1
    assert "REDSHIFT_HOST" in result.output and "STREAMWATCH_LAKE_URI" in result.output


def test_bad_dt_and_missing_lake(tmp_path):
    assert "YYYY-MM-DD" in run("--dt", "10-03-2024", "--lake", str(tmp_path)).output
    result = run("--dt", DT, "--lake", str(tmp_path / "nope"))
    assert result.exit_code == 1 and "lake directory not found" in result.output


def test_help_has_an_example():
    result = run("--help")
    assert result.exit_code == 0 and "streamwatch load --dt" in result.output and "REDSHIFT_HOST" in result.output
