"""The terminal view: what the demo prints at its end, and the chart's round axis."""

from __future__ import annotations

import datetime as dt
import io

from rich.console import Console

from streamwatch.analyses.play_starts.assess import assess
from streamwatch.analyses.play_starts.terminal import chart, print_lake
from streamwatch.analyses.play_starts.zone import PlayStarts
from tests.streamwatch.analyses.play_starts.zone_fixtures import write_zone

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 1, 31, 22, 0, tzinfo=UTC)


def console() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, width=110, color_system=None), buffer


def test_print_lake_shows_chart_last_minutes_and_summary(tmp_path):
    rows = {(T0 + dt.timedelta(minutes=n), "US", "tv"): 40 + n % 3 for n in range(45)}
    write_zone(tmp_path, rows)
    out, buffer = console()
    assert print_lake(tmp_path, out, rows=10) is True
    text = buffer.getvalue()
    assert "Play starts per minute, 2026-01-31 22:00 to 2026-01-31 22:44 UTC (45 minutes)" in text
    assert "play starts (total)" in text
    assert "01-31 22:44" in text and "01-31 22:34" not in text  # the last 10 minutes
    assert "(the last 10 of 45 minutes" in text
    assert text.strip().splitlines()[-1].startswith("no outage flag:")


def test_print_lake_without_the_zone_says_so(tmp_path):
    out, buffer = console()
    assert print_lake(tmp_path, out) is False
    assert "no play starts in" in buffer.getvalue()


def test_the_chart_axis_is_labelled_with_round_numbers():
    starts = PlayStarts(T0, [83, 97, 121, 88] * 20)
    text = chart(assess(starts), 0, 80, width=60, height=10)
    labels = [line.split("|")[0].strip() for line in text.splitlines() if "|" in line and line.split("|")[0].strip()]
    numbers = [float(label) for label in labels if label.replace(".", "").isdigit()]
    # peak 121 over 10 rows: a step of 15 (12.1 rounded up to a round number), up to 150
    assert numbers and all(n == int(n) and int(n) % 15 == 0 for n in numbers), labels
    assert max(numbers) == 150
