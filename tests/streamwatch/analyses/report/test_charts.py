"""The report's chart specifications: tooltips on every chart, round numbers left to Vega-Lite, None
for an empty series, and the play-starts layers carrying the rule's verdicts."""

from __future__ import annotations

import datetime as dt
import json

from streamwatch.analyses.play_starts.assess import assess
from streamwatch.analyses.play_starts.zone import PlayStarts
from streamwatch.analyses.report import charts

UTC = dt.timezone.utc


def test_empty_series_have_no_chart():
    assert charts.column_chart([], [], "h", axis_title="hour") is None
    assert charts.bar_chart([], [], "h", axis_title="title") is None
    assert charts.donut_chart(["tv"], [0.0], "h", axis_title="device") is None
    assert charts.play_starts_chart(assess(PlayStarts(dt.datetime(2026, 1, 1, tzinfo=UTC), []))) is None


def test_columns_keep_their_order_and_leave_ticks_to_vega_lite():
    spec = charts.column_chart(["b", "a", "c"], [1.5, 41.04, 82.08], "hours", axis_title="hour")
    assert spec["encoding"]["x"]["sort"] == ["b", "a", "c"]
    assert "values" not in json.dumps(spec["encoding"]["y"])  # no hand-made tick values
    assert [t["field"] for t in spec["encoding"]["tooltip"]] == ["label", "value"]
    assert spec["data"]["values"][1] == {"label": "a", "value": 41.04}
    assert "$schema" not in spec


def test_donut_tooltips_give_the_share():
    spec = charts.donut_chart(["tv", "web"], [3.0, 1.0], "h", axis_title="device")
    assert [v["share"] for v in spec["data"]["values"]] == [0.75, 0.25]
    assert {"field": "share", "format": ".1%", "title": "share", "type": "quantitative"} in spec["encoding"]["tooltip"]


def test_play_starts_layers_carry_counts_band_and_flags():
    counts = [80, 100] * 30 + [5] * 6 + [90] * 10
    spec = charts.play_starts_chart(assess(PlayStarts(dt.datetime(2026, 1, 31, 22, tzinfo=UTC), counts)))
    span, area, line, median, points, flagged = spec["layer"]
    minutes = area["data"]["values"] if "data" in area else spec["data"]["values"]
    assert len(minutes) == 76 and minutes[0] == {"minute": "2026-01-31T22:00:00Z", "play_starts": 80,
                                                 "baseline": None, "lower": None, "verdict": "no baseline yet"}
    assert minutes[60]["verdict"] == "below" and minutes[62]["verdict"] == "flagged"
    assert minutes[60]["baseline"] == 90.0 and minutes[60]["lower"] == 36.0  # min(90 - 2.5*max(14.8, 9.5), 36)
    assert area["encoding"]["y"]["field"] == "lower" and area["encoding"]["y2"]["field"] == "baseline"
    assert flagged["transform"] == [{"filter": "(datum.verdict === 'flagged')"}]
    # below at minutes 60-65; flagged from 62 while 3 of the last 5 are below: up to 67 (63, 64, 65 of 63..67)
    assert span["data"]["values"] == [{"series": "total", "first": "2026-01-31T23:02:00Z",
                                       "after": "2026-01-31T23:08:00Z", "minutes": 6, "count": 5,
                                       "baseline": 90.0}]
    assert all("tooltip" in layer["encoding"] for layer in (span, area, points, flagged))
