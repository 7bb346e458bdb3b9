"""`streamwatch summary` counts a lake's zones and fails when they do not add up."""

from __future__ import annotations

from click.testing import CliRunner

from streamwatch.cli import main
from tests.streamwatch.zone_files import write_dlq, write_raw


def test_summary_of_a_lake_without_sessions_does_not_add_up(tmp_path):
    lake = tmp_path / "lake"
    # two valid records (one a redelivery) in raw, one rejected: nothing reached a session or late/
    write_raw(lake / "raw" / "dt=2026-11-24" / "hr=10" / "part-0", [
        ('{"event_id": "a"}', "2026-11-24T10:00:00.000Z", None, None),
        ('{"event_id": "a"}', "2026-11-24T10:00:01.000Z", None, None),
    ])
    write_dlq(lake / "dlq" / "dt=2026-11-24" / "hr=10" / "part-0", [("x", "not valid JSON", "2026-11-24T10:00:02Z")])
    (lake / "raw" / "dt=2026-11-24" / "hr=10" / "_SUCCESS").write_bytes(b"")
    result = CliRunner().invoke(main, ["summary", "--lake", str(lake)])
    assert result.exit_code == 1
    assert "DOES NOT ADD UP" in result.output
    # records in defaults to raw + DLQ rows: 3; only 0 + 1 + 1 + 0 are accounted for
    assert "3 in = 0 on-time + 1 duplicates + 1 DLQ + 0 late first arrivals" in result.output.replace(",", "")
    assert "= 2; raw 2 + DLQ 1 = 3" in result.output


def test_summary_help_has_an_example():
    result = CliRunner().invoke(main, ["summary", "--help"])
    assert result.exit_code == 0 and "streamwatch summary --lake" in result.output
