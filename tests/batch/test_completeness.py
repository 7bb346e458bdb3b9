"""The completeness rule (batch.completeness) at its edges, and reading the progress a job publishes
from a lake laid out as the job writes it (Parquet under processed/stream_progress/dt=/hr=)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from batch.completeness import StreamProgress, day_verdict, needed_event_time
from batch.stream_progress import read_progress, session_gap_minutes, verdicts

UTC = dt.timezone.utc


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def write_progress(lake: Path, window_starts: list[str], int96: bool = True, part: str = "part-0") -> None:
    """Rows of processed/stream_progress as the job writes them: one per closed 5-minute window."""
    by_partition: dict[tuple[str, str], list[dict]] = {}
    for start in window_starts:
        begin = at(start).replace(tzinfo=None)
        row = {"window_start": begin, "window_end": begin + dt.timedelta(minutes=5), "titles": 3}
        by_partition.setdefault((begin.date().isoformat(), f"{begin.hour:02d}"), []).append(row)
    schema = pa.schema([("window_start", pa.timestamp("ms")), ("window_end", pa.timestamp("ms")),
                        ("titles", pa.int64())])
    for (day, hour), rows in by_partition.items():
        directory = lake / "processed" / "stream_progress" / f"dt={day}" / f"hr={hour}"
        directory.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), directory / part,
                       use_deprecated_int96_timestamps=int96)


def test_the_day_needs_the_end_of_the_day_plus_the_gap():
    assert needed_event_time("2026-11-24", 30) == at("2026-11-25T00:30:00")
    assert needed_event_time("2026-12-31", 45) == at("2027-01-01T00:45:00")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        needed_event_time("2026-02-30")


@pytest.mark.parametrize("max_end, complete", [
    ("2026-11-25T00:29:59.999", False),  # one millisecond short
    ("2026-11-25T00:30:00", True),  # exactly the end of the day plus the gap
    ("2026-11-26T12:00:00", True),
    ("2026-11-24T23:55:00", False),
])
def test_watermark_edge(max_end, complete):
    verdict = day_verdict("2026-11-24", StreamProgress(at(max_end)), 30)
    assert verdict.complete is complete
    if not complete:
        message = verdict.message()
        assert "dt=2026-11-24" in message and max_end[:16] in message and "2026-11-25T00:30:00.000Z" in message


def test_end_of_input_completes_every_day_and_nothing_is_no_progress():
    ended = StreamProgress(None, {"how": "drained", "ended_at": "2026-11-29T20:00:00.000Z"})
    assert day_verdict("2030-01-01", ended).complete
    assert "drained" in ended.describe()
    nothing = day_verdict("2026-11-24", StreamProgress(None))
    assert not nothing.complete and "no progress published yet" in nothing.message()


def test_reads_the_newest_window_end_from_the_newest_partition(tmp_path):
    lake = tmp_path / "lake"
    write_progress(lake, ["2026-11-24T22:00:00", "2026-11-24T23:55:00", "2026-11-25T00:20:00"])
    # an older partition written later, and a hidden in-progress file with garbage, change nothing
    write_progress(lake, ["2026-11-24T01:00:00"], int96=False, part="part-1")
    hidden = lake / "processed" / "stream_progress" / "dt=2026-11-25" / "hr=00" / ".part-9.inprogress"
    hidden.write_bytes(b"not parquet")
    (lake / "processed" / "stream_progress" / "dt=2026-11-25" / "hr=00" / "_SUCCESS").write_bytes(b"")
    progress = read_progress(lake)
    assert progress.max_window_end == at("2026-11-25T00:25:00") and progress.end_of_input is None
    assert [v.complete for v in verdicts(lake, ["2026-11-23", "2026-11-24"], gap_minutes=30)] == [True, False]
    write_progress(lake, ["2026-11-25T00:25:00"], part="part-2")
    assert verdicts(lake, ["2026-11-24"], gap_minutes=30)[0].complete


def test_an_empty_partition_directory_is_skipped(tmp_path):
    lake = tmp_path / "lake"
    write_progress(lake, ["2026-11-24T10:00:00"], int96=False)
    (lake / "processed" / "stream_progress" / "dt=2026-11-26" / "hr=03").mkdir(parents=True)
    assert read_progress(lake).max_window_end == at("2026-11-24T10:05:00")


def test_the_marker_is_read_even_when_it_is_not_json(tmp_path):
    zone = tmp_path / "processed" / "stream_progress"
    zone.mkdir(parents=True)
    (zone / "_END_OF_INPUT").write_text(json.dumps({"how": "bounded replay finished"}))
    assert read_progress(tmp_path).end_of_input == {"how": "bounded replay finished"}
    (zone / "_END_OF_INPUT").write_text("garbage")
    assert read_progress(tmp_path).end_of_input == {}


def test_the_gap_is_the_jobs_configured_one():
    properties = json.loads((Path(__file__).resolve().parents[2] / "flink_app" / "application_properties.json")
                            .read_text())
    groups = {g["PropertyGroupId"]: g["PropertyMap"] for g in properties}
    assert session_gap_minutes() == int(groups["processing"].get("session.gap.minutes", 30))
