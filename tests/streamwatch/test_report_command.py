"""`streamwatch report`: one self-contained HTML file that headless Chromium opens without a console
message and in which every chart is drawn."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from streamwatch.cli import main

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "processed_fixture"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--enable-logging=stderr", "--v=0"]


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    from batch.runner import run_local

    lake = Path(shutil.copytree(FIXTURE, tmp_path_factory.mktemp("report") / "lake"))
    run_local(lake, ["2024-03-09", "2024-03-10"])
    result = CliRunner().invoke(main, ["report", "--lake", str(lake)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "report written to" in result.output
    return lake / "report.html"


def test_the_report_is_one_file_that_loads_nothing_from_elsewhere(report):
    html = report.read_text(encoding="utf-8")
    assert re.findall(r"""(?:src|href)\s*=\s*["']?(?!#)""", html) == []
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html
    assert html.count("<svg") == 4
    for section in ("watch-time-per-hour", "top-titles", "device-split", "session-lengths"):
        assert f'id="{section}"' in html
    assert "Starfall S2E5" in html  # a title name from dim_title made it into the top titles


def test_headless_chromium_renders_every_chart_without_console_messages(report, tmp_path):
    assert CHROMIUM.exists(), "Debian's chromium is needed: apt-get install -y chromium"
    done = subprocess.run(
        [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", report.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    assert console == []
    assert 'data-charts="4"' in done.stdout and 'data-charts-drawn="4"' in done.stdout
    assert done.stdout.count('class="mark"') > 20


def test_report_out_option_and_missing_lake(tmp_path):
    empty = tmp_path / "empty-lake"
    empty.mkdir()
    out = tmp_path / "elsewhere" / "r.html"
    result = CliRunner().invoke(main, ["report", "--lake", str(empty), "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0 and out.is_file() and "no data" in out.read_text()
    missing = CliRunner().invoke(main, ["report", "--lake", str(tmp_path / "nope")], catch_exceptions=False)
    assert missing.exit_code == 1 and "lake directory not found" in missing.output


def test_help_has_an_example():
    result = CliRunner().invoke(main, ["report", "--help"])
    assert result.exit_code == 0 and "streamwatch report --lake" in result.output
