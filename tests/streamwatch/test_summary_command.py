"""`streamwatch summary` counts a lake's zones and fails when they do not add up."""

from __future__ import annotations

import json

from click.testing import CliRunner

from streamwatch.cli import main


def _write(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))


def test_summary_of_a_lake_without_sessions_does_not_add_up(tmp_path):
    lake = tmp_path / "lake"
    # two valid records (one a redelivery) in raw, one rejected: nothing reached a session or late/
    _write(lake / "raw" / "dt=2026-11-24" / "hr=10" / "part-0", [{"event_id": "a"}, {"event_id": "a"}])
    _write(lake / "dlq" / "dt=2026-11-24" / "hr=10" / "part-0", [{"raw": "x", "reason": "not valid JSON"}])
    _write(lake / "raw" / "dt=2026-11-24" / "hr=10" / "_SUCCESS", [])
    result = CliRunner().invoke(main, ["summary", "--lake", str(lake)])
    assert result.exit_code == 1
    assert "DOES NOT ADD UP" in result.output
    assert "3 in = 0 on-time + 1 duplicates + 1 DLQ + 0 late = 2" in result.output.replace(",", "")


def test_summary_help_has_an_example():
    result = CliRunner().invoke(main, ["summary", "--help"])
    assert result.exit_code == 0 and "streamwatch summary --lake" in result.output
