"""Every line of the printed plan shows its value with what it rests on and its price dates."""

from __future__ import annotations

import json

import pytest
from rich.console import Console

from streamwatch.analyses.capacity.model import Line
from streamwatch.analyses.capacity.render import SECTIONS, format_value, human_bytes, plan_json, print_plan

from tests.streamwatch.analyses.capacity.plan_fixture import plan_for


def test_every_printed_line_carries_its_basis_and_price_dates():
    plan = plan_for()
    longest = max(len(line.basis) for line in plan.lines)
    console = Console(record=True, width=2 * longest + 200)  # wide enough that no cell wraps
    print_plan(plan, console)
    text = console.export_text()
    rows = [[cell.strip() for cell in row.split("│")[1:-1]] for row in text.splitlines()
            if row.startswith("│")]
    assert len(rows) == len(plan.lines)  # one table row a line, nothing printed without its line
    for line in plan.lines:
        expected = [line.figure.strip(), format_value(line), line.basis, ", ".join(line.price_dates)]
        assert rows.count(expected) == 1, line.key
    for section, title in SECTIONS.items():
        assert title.format(viewers=plan.settings.concurrent_viewers) in text, section


def test_the_json_has_every_line_with_its_basis():
    plan = plan_for()
    document = json.loads(plan_json(plan))
    assert document["settings"]["concurrent_viewers"] == 1_000_000
    assert [line["key"] for line in document["lines"]] == [line.key for line in plan.lines]
    assert all(line["basis"] for line in document["lines"])
    assert {line["section"] for line in document["lines"]} == set(SECTIONS)


@pytest.mark.parametrize("value, unit, shown", [
    (1536, "bytes", "1.5 KiB"),
    (3 * 1024**4, "bytes", "3.0 TiB"),
    (294.9 * 1024**2, "bytes/s", "294.9 MiB/s"),
    (29150.4, "$", "$29,150"),
    (0.015, "$/shard-hour", "$0.015/shard-hour"),
    (1.0869, "x", "1.087x"),
    (1333, "shards", "1,333 shards"),
    (0.55, "events/s", "0.55 events/s"),
    ("PROVISIONED", "", "PROVISIONED"),
])
def test_values_are_shown_with_their_units(value, unit, shown):
    assert format_value(Line("k.x", "x", value, unit, "basis")) == shown


def test_human_bytes_stops_at_pebibytes():
    assert human_bytes(5 * 1024**6) == "5,120.0 PiB"
