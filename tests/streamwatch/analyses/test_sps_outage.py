"""Item 2 of issue 9, end to end on the producer's output: `streamwatch produce` with and without
`--outage US:20`, the play_starts_1m zone built from its events in plain Python (as the job would
write it: one row per minute, country and device type with a play), then `streamwatch sps`.

The flag must go up within a few minutes of the outage's start, and never on the normal run, which
covers three hours of an evening including its steepest declines (22:00 to about 01:00 UTC).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest
from click.testing import CliRunner

from streamwatch.cli import main
from tests.streamwatch.analyses.play_starts.zone_fixtures import play_starts, read_jsonl, totals, write_zone

UTC = dt.timezone.utc
PRODUCE = ["produce", "--events", "300000", "--users", "20000", "--seed", "42", "--start", "2026-01-31T22:00:00Z"]
OUTAGE_MINUTES = 20
FEW_MINUTES = 5


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """{"normal": (events, lake), "outage": (events, lake)}"""
    found = {}
    for name, extra in (("normal", []), ("outage", ["--outage", f"US:{OUTAGE_MINUTES}"])):
        workdir = tmp_path_factory.mktemp(name)
        out = workdir / "events.jsonl"
        result = CliRunner().invoke(main, [*PRODUCE, "--out", str(out), *extra], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        events = read_jsonl(out)
        write_zone(workdir / "lake", play_starts(events))
        found[name] = (events, workdir / "lake")
    return found


@pytest.fixture(scope="module")
def outage_start(runs):
    """The documented default: halfway from the first event to the last, down to the minute."""
    events, _ = runs["normal"]
    first = dt.datetime.fromisoformat(events[0]["event_ts"]).astimezone(UTC)
    last = dt.datetime.fromisoformat(events[-1]["event_ts"]).astimezone(UTC)
    return (first + (last - first) / 2).replace(second=0, microsecond=0)


def sps(lake, *args):
    return CliRunner().invoke(main, ["sps", "--lake", str(lake), *args], catch_exceptions=False)


def unstamped(event: dict) -> dict:
    return {key: value for key, value in event.items() if key != "sent_at"}


def flagged_minutes(result) -> dict[str, list[dt.datetime]]:
    found: dict[str, list[dt.datetime]] = {}
    for record in json.loads(result.stdout):
        if record["flagged"]:
            found.setdefault(record["series"], []).append(dt.datetime.fromisoformat(record["minute"]))
    return found


def test_the_outage_run_lacks_most_us_play_starts_of_the_window_and_nothing_else(runs, outage_start):
    normal, outage = runs["normal"][0], runs["outage"][0]
    end = outage_start + dt.timedelta(minutes=OUTAGE_MINUTES)
    outage_ids = {e["event_id"] for e in outage}
    missing = [e for e in normal if e["event_id"] not in outage_ids]
    assert all(e["event_type"] == "play" and e["country"] == "US"
               and outage_start <= dt.datetime.fromisoformat(e["event_ts"]) < end for e in missing)
    # the rest unchanged, but for sent_at: each run stamps the moment it writes
    assert [unstamped(e) for e in normal if e["event_id"] in outage_ids] == [unstamped(e) for e in outage]
    window_plays = sum(count for minute, count in totals(play_starts(normal), "US").items()
                       if outage_start <= minute < end)
    assert window_plays >= 200 and 0.8 < len(missing) / window_plays < 0.97


def test_normal_traffic_raises_no_flag_in_any_series(runs):
    _, lake = runs["normal"]
    checked = sps(lake, "--check")
    assert checked.exit_code == 0, checked.output
    assert "no outage flag: play starts stayed within the baseline for the total and each of the 22 countries" \
        in checked.output
    result = sps(lake, "--format", "json", "--by-country")
    assert result.exit_code == 0
    records = json.loads(result.stdout)
    series = Counter(r["series"] for r in records)
    assert len(series) == 23 and len(set(series.values())) == 1  # the total and 22 countries, every minute
    minutes = series["total"]
    assert minutes >= 180  # three hours of evening traffic were judged
    judged = sum(1 for r in records if r["series"] == "total" and r["baseline"] is not None)
    assert judged >= minutes - 31
    assert flagged_minutes(result) == {}


def test_the_outage_is_flagged_for_its_country_within_a_few_minutes_of_its_start(runs, outage_start):
    _, lake = runs["outage"]
    result = sps(lake, "--format", "json", "--by-country")
    assert result.exit_code == 0
    flagged = flagged_minutes(result)
    us = flagged.get("US", [])
    assert us, f"US was never flagged (outage from {outage_start:%H:%M})"
    assert outage_start <= min(us) <= outage_start + dt.timedelta(minutes=FEW_MINUTES)
    end = outage_start + dt.timedelta(minutes=OUTAGE_MINUTES)
    for name, minutes in flagged.items():  # nothing is flagged outside the outage and its tail of 3 of 5
        assert all(outage_start <= m < end + dt.timedelta(minutes=FEW_MINUTES) for m in minutes), name
    assert set(flagged) <= {"US", "total"}
    checked = sps(lake, "--check", "--rows", "5")
    assert checked.exit_code == 3
    assert f"OUTAGE FLAG: US from {min(us):%Y-%m-%d %H:%M}" in checked.output
