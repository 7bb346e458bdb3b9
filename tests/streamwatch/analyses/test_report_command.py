"""`streamwatch report`: one self-contained HTML file that headless Chromium, with every network
lookup failing, opens without a console message and in which every chart is drawn and shows a tooltip."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from streamwatch.cli import main
from tests.streamwatch.analyses.play_starts.zone_fixtures import write_zone

FIXTURE = Path(__file__).resolve().parents[2] / "data" / "processed_fixture"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--host-resolver-rules=MAP * ~NOTFOUND",  # nothing outside the file can load
                  "--virtual-time-budget=15000",  # let the charts' promises settle before the DOM is dumped
                  "--enable-logging=stderr", "--v=0"]
UTC = dt.timezone.utc
SECTIONS = ["watch-time-per-hour", "top-titles", "device-split", "session-lengths"]
T0 = dt.datetime(2024, 3, 9, 19, 0, tzinfo=UTC)


def play_starts_rows() -> dict:
    """Two hours of play starts with a 12-minute outage of US from 20:10 (counts made up here)."""
    rows = {}
    for n in range(120):
        minute = T0 + dt.timedelta(minutes=n)
        rows[(minute, "US", "tv")] = 4 if 70 <= n < 82 else 60 + (n * 7) % 11
        rows[(minute, "DE", "mobile")] = 20 + (n * 5) % 7
    return rows


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    """{"without": a report of the fixture lake, "with": the same lake plus play_starts_1m}"""
    from batch.runner import run_local

    lake = Path(shutil.copytree(FIXTURE, tmp_path_factory.mktemp("report") / "lake"))
    # "without" is a lake from before the job wrote play starts; "with" gets the crafted outage below.
    shutil.rmtree(lake / "processed" / "play_starts_1m")
    run_local(lake, ["2024-03-09", "2024-03-10"])
    found = {}
    for name in ("without", "with"):
        if name == "with":
            write_zone(lake, play_starts_rows())
        out = lake / f"report-{name}.html"
        result = CliRunner().invoke(main, ["report", "--lake", str(lake), "--out", str(out)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert "report written to" in result.output
        found[name] = out
    return found


class Resources(HTMLParser):
    """Every tag that could load something: src/href/srcset/data attributes, <link>, <iframe>, <object>."""

    def __init__(self):
        super().__init__()
        self.loads: list[tuple[str, str, str]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "srcset", "data", "action", "poster") and not (value or "").startswith("#"):
                self.loads.append((tag, name, value))
        if tag in ("link", "iframe", "object", "embed", "img", "base"):
            self.loads.append((tag, "", ""))


def embedded_specs(html: str) -> dict:
    return json.loads(re.search(r"var specs = (\{.*?\});\n", html, re.S).group(1))


@pytest.mark.parametrize("name, sections", [("without", SECTIONS), ("with", ["play-starts", *SECTIONS])])
def test_the_report_is_one_file_that_loads_nothing_from_elsewhere(reports, name, sections):
    html = reports[name].read_text(encoding="utf-8")
    parser = Resources()
    parser.feed(html)
    assert parser.loads == []
    assert parser.tags.count("script") == 2  # the inline vl-convert bundle and the embedding script
    assert "vegaEmbed" in html
    specs = embedded_specs(html)
    assert list(specs) == [f"chart-{s}" for s in sections]
    for section in sections:
        assert f'id="{section}"' in html
    for spec in specs.values():
        assert "$schema" not in spec and "tooltip" in json.dumps(spec)  # every chart has tooltips
    assert "Starfall S2E5" in html  # a title name from dim_title made it into the top titles
    assert ("OUTAGE FLAG: total" in html) is (name == "with")


def test_the_play_starts_chart_shows_the_band_and_the_flagged_minutes(reports):
    spec = embedded_specs(reports["with"].read_text(encoding="utf-8"))["chart-play-starts"]
    layers = spec["layer"]
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in layers]
    assert marks == ["rect", "area", "line", "line", "point", "point"]
    minutes = layers[1]["data"]["values"]
    assert len(minutes) == 120 and minutes[0]["minute"] == "2024-03-09T19:00:00Z"
    flagged = [m["minute"] for m in minutes if m["verdict"] == "flagged"]
    # the total drops from ~85 to ~27 from minute 70 (20:10): below from 20:10, flagged from the third minute
    assert flagged[0] == "2024-03-09T20:12:00Z"
    spans = layers[0]["data"]["values"]
    assert {s["series"] for s in spans} == {"total", "US"}
    assert all(s["first"] == "2024-03-09T20:12:00Z" for s in spans)


@pytest.mark.parametrize("name, charts", [("without", 4), ("with", 5)])
def test_headless_chromium_renders_every_chart_with_tooltips_and_no_console_messages(reports, tmp_path, name, charts):
    assert CHROMIUM.exists(), "Debian's chromium is needed: apt-get install -y chromium"
    done = subprocess.run(
        [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
         reports[name].as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    assert console == []
    assert f'data-charts="{charts}"' in done.stdout and f'data-charts-drawn="{charts}"' in done.stdout
    assert done.stdout.count('data-drawn="yes"') == charts
    tooltips = dict(re.findall(r'id="chart-([a-z-]+)"[^>]*? data-drawn="yes" data-tooltip="([^"]*)"', done.stdout))
    assert len(tooltips) == charts and all(tooltips.values()), tooltips
    assert "hours watched" in tooltips["watch-time-per-hour"] and "share" in tooltips["device-split"]
    if name == "with":
        assert "flagged" in tooltips["play-starts"]  # its first mark is the flag's span


def test_report_out_option_and_missing_lake(tmp_path):
    empty = tmp_path / "empty-lake"
    empty.mkdir()
    out = tmp_path / "elsewhere" / "r.html"
    result = CliRunner().invoke(main, ["report", "--lake", str(empty), "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0 and out.is_file() and out.read_text().count('<p class="empty">no data</p>') == 4
    assert [p.name for p in out.parent.iterdir()] == ["r.html"]  # no partial file left beside it
    missing = CliRunner().invoke(main, ["report", "--lake", str(tmp_path / "nope")], catch_exceptions=False)
    assert missing.exit_code == 1 and "lake directory not found" in missing.output


def test_help_has_an_example():
    result = CliRunner().invoke(main, ["report", "--help"])
    assert result.exit_code == 0 and "streamwatch report --lake" in result.output
