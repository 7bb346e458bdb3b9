"""`streamwatch sps` on small hand-made zones: what it prints, its formats, ranges, exit status and errors."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from click.testing import CliRunner

from streamwatch.cli import main
from tests.streamwatch.analyses.play_starts.zone_fixtures import write_zone

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 1, 31, 22, 0, tzinfo=UTC)
# 60 normal minutes, then US collapses for 10 minutes (the total with it: US is most of it), then back
US = [90, 110] * 30 + [5] * 10 + [100] * 20
DE = [8, 12] * 45


def minute(n: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=n)


@pytest.fixture(scope="module")
def lake(tmp_path_factory):
    root = tmp_path_factory.mktemp("sps")
    rows = {}
    for n, (us, de) in enumerate(zip(US, DE)):
        rows[(minute(n), "US", "tv")] = us - us // 3
        rows[(minute(n), "US", "mobile")] = us // 3
        rows[(minute(n), "DE", "web")] = de
    write_zone(root, rows)
    return root


def sps(*args):
    return CliRunner().invoke(main, ["sps", *args], catch_exceptions=False)


def test_table_prints_chart_rows_rule_and_the_flags(lake):
    result = sps("--lake", str(lake), "--rows", "15", "--by-country")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "2026-01-31 22:00 to 2026-01-31 23:29 UTC (90 minutes)" in out
    assert "play starts (total)" in out and "baseline (median, last hour)" in out and "flagged" in out
    assert "01-31 23:29" in out and "01-31 23:14" not in out.split("┏")[1]  # only the last 15 minutes
    assert "(the last 15 of 90 minutes" in out
    assert "Rule: baseline = median of the previous 60 minutes" in out
    last_line = out.strip().splitlines()[-1]
    assert last_line == ("OUTAGE FLAG: total from 2026-01-31 23:02 to 2026-01-31 23:11 UTC (10 min; raised at "
                         "13 play starts against a baseline of 110); US from 2026-01-31 23:02 to 2026-01-31 23:11 "
                         "UTC (10 min; raised at 5 play starts against a baseline of 100)")


def test_from_and_to_pick_the_minutes_but_keep_the_baseline_before_them(lake):
    result = sps("--lake", str(lake), "--from", "2026-01-31T23:00", "--to", "2026-01-31T23:03Z", "--format", "json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert [r["minute"] for r in records] == ["2026-01-31T23:00:00Z", "2026-01-31T23:01:00Z", "2026-01-31T23:02:00Z"]
    assert [r["series"] for r in records] == ["total"] * 3
    assert [r["play_starts"] for r in records] == [5 + 8, 5 + 12, 5 + 8]  # US + DE
    assert records[0]["baseline"] == 110.0 and records[0]["below"] and not records[0]["flagged"]
    assert records[2]["flagged"]
    assert result.stderr.startswith("OUTAGE FLAG: total from 2026-01-31 23:02")


def test_a_range_before_the_flags_has_none(lake):
    result = sps("--lake", str(lake), "--to", "2026-01-31T23:02", "--check", "--rows", "3")
    assert result.exit_code == 0
    assert result.output.strip().splitlines()[-1] == (
        "no outage flag: play starts stayed within the baseline for the total and each of the 2 countries")


def test_csv_by_country_has_a_row_per_minute_and_series(lake):
    result = sps("--lake", str(lake), "--format", "csv", "--by-country")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 90 * 3
    assert list(rows[0]) == ["minute", "series", "play_starts", "baseline", "lower_edge", "below", "flagged"]
    first_de = next(r for r in rows if r["series"] == "DE")
    assert first_de == {"minute": "2026-01-31T22:00:00Z", "series": "DE", "play_starts": "8", "baseline": "",
                        "lower_edge": "", "below": "False", "flagged": "False"}
    assert sum(r["flagged"] == "True" for r in rows if r["series"] == "DE") == 0


def test_check_exits_3_when_a_flag_is_raised(lake):
    result = sps("--lake", str(lake), "--check", "--rows", "1")
    assert result.exit_code == 3
    assert "OUTAGE FLAG" in result.output


@pytest.mark.parametrize("args, message", [
    (["--from", "yesterday"], "is not an ISO-8601 time"),
    (["--from", "2026-01-31T23:00", "--to", "2026-01-31T22:00"], "must be after --from"),
])
def test_usage_errors(lake, args, message):
    result = sps("--lake", str(lake), *args)
    assert result.exit_code == 2 and message in result.output


def test_errors_say_what_is_missing(lake, tmp_path):
    missing = sps("--lake", str(tmp_path / "nope"))
    assert missing.exit_code == 1 and "lake directory not found" in missing.output
    empty = sps("--lake", str(tmp_path))
    assert empty.exit_code == 1 and "no play starts in" in empty.output and "streaming job writes them" in empty.output
    outside = sps("--lake", str(lake), "--from", "2026-02-02T00:00")
    assert outside.exit_code == 1
    assert "it holds 2026-01-31 22:00 to 2026-01-31 23:29 UTC" in outside.output
