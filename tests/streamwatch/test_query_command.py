"""`streamwatch query` through the CLI runner, over the processed fixture (no batch needed)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from streamwatch.cli import main

LAKE = Path(__file__).resolve().parents[1] / "data" / "processed_fixture"


def run(*args):
    return CliRunner().invoke(main, ["query", *args], catch_exceptions=False)


def test_a_named_query_prints_a_table():
    result = run("session_length_distribution", "--lake", str(LAKE))
    assert result.exit_code == 0, result.output
    assert "length_band" in result.output and "row(s)" in result.output


def test_sql_text_as_csv():
    result = run("--sql", "select dt, count(*) as sessions from streamwatch.sessions group by dt order by dt",
                 "--lake", str(LAKE), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert list(csv.reader(io.StringIO(result.output))) == [
        ["dt", "sessions"], ["2024-03-09", "11"], ["2024-03-10", "8"], ["2024-03-11", "1"]]


def test_json_keeps_types_and_partition_strings():
    result = run("--sql", "select hr, event_count, session_start from sessions where dt = '2024-03-09' "
                 "order by session_start limit 1", "--lake", str(LAKE), "--format", "json")
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)
    assert row["hr"] == "00" and isinstance(row["event_count"], int) and row["session_start"].startswith("2024-03-09 00:")


def test_curated_queries_answer_empty_before_the_batch():
    result = run("daily_active_users", "--lake", str(LAKE), "--format", "json")
    assert result.exit_code == 0 and json.loads(result.output) == []


def test_list_and_errors():
    listing = run("--list").output
    assert "top_titles_daily" in listing and "raw_events" in listing
    assert run("--lake", str(LAKE)).exit_code == 2
    assert run("x", "--sql", "select 1").exit_code == 2
    unknown = run("nope", "--lake", str(LAKE))
    assert unknown.exit_code == 1 and "no query named 'nope'" in unknown.output
    broken = run("--sql", "select no_such_column from sessions", "--lake", str(LAKE))
    assert broken.exit_code == 1 and "no_such_column" in broken.output


def test_help_has_an_example():
    result = run("--help")
    assert result.exit_code == 0 and "streamwatch query top_titles_daily" in result.output
