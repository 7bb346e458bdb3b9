"""The accounting of a lake (streamwatch/analyses/summary.py) on a lake written by hand, whose every figure
is worked out below from the rows written, not from the code under test."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from rich.console import Console

from streamwatch.analyses.lake import Lake
from streamwatch.analyses.summary import LakeSummaryError, render, summarize
from tests.streamwatch.zone_files import write_dlq, write_late, write_raw

SHARD = "shardId-000000000000"


def record(event_id: str, event_ts: str, sent_at: str | None = None) -> str:
    event = {"event_id": event_id, "event_type": "heartbeat", "event_ts": event_ts, "user_id": "u1",
             "device_id": "d1", "device_type": "tv", "country": "DE", "title_id": "t1", "position_ms": 1000,
             "schema_version": 1}
    if sent_at is not None:
        event["sent_at"] = sent_at
    return json.dumps(event)


def late_row(event_id: str, event_ts: str, received_at: str) -> dict:
    return {"event_id": event_id, "event_type": "heartbeat", "event_ts": event_ts, "user_id": "u1",
            "device_id": "d1", "device_type": "tv", "country": "DE", "title_id": "t1", "position_ms": 1000,
            "schema_version": 1, "received_at": received_at}


@pytest.fixture()
def lake(tmp_path) -> Lake:
    """Six events, eight valid records, two rejected ones:

    e1  on time, redelivered while the dedup still knew it        raw x2
    e2  on time at 10:00:00, redelivered at 10:05:00 after the
        dedup had let it go: the copy is late                     raw x2, late x1 (received 10:05:00)
    e3  late on its first arrival (10:02:00.000)                   raw x1, late x1 (received 10:02:00.000, a tie)
    e4  on time, from a device whose clock is 11 minutes slow     raw x1 (sent_at 09:50, arrival 10:01)
    e5  late on its first arrival, from a device 2 minutes fast    raw x1, late x1
    e6  on time, device clock exactly one minute off: not "more than a minute"
    """
    root = tmp_path / "lake"
    hour = root / "raw" / "dt=2024-03-09" / "hr=10"
    write_raw(hour / "part-a-0-0", [
        (record("e1", "2024-03-09T10:00:00.000Z"), "2024-03-09T10:00:00.100Z", SHARD, "100"),
        (record("e1", "2024-03-09T10:00:00.000Z"), "2024-03-09T10:00:01.000Z", SHARD, "101"),
        (record("e2", "2024-03-09T10:00:00.000Z"), "2024-03-09T10:00:00.000Z", SHARD, "102"),
        (record("e4", "2024-03-09T10:01:00.000Z", sent_at="2024-03-09T09:50:00.000Z"), "2024-03-09T10:01:00.000Z",
         SHARD, "103"),
    ])
    # Flink's own timestamp encoding in the second file: the readers take both
    write_raw(hour / "part-a-0-1", [
        (record("e2", "2024-03-09T10:00:00.000Z"), "2024-03-09T10:05:00.000Z", SHARD, "200"),
        (record("e3", "2024-03-09T09:00:00.000Z"), "2024-03-09T10:02:00.000Z", SHARD, "201"),
        (record("e5", "2024-03-09T09:10:00.000Z", sent_at="2024-03-09T10:04:00.000+00:00"),
         "2024-03-09T10:02:00.000Z", SHARD, "202"),
        (record("e6", "2024-03-09T10:03:00.000Z", sent_at="2024-03-09T11:04:00.000+01:00"),
         "2024-03-09T10:03:00.000Z", SHARD, "203"),
    ], int96=True)
    (hour / "_SUCCESS").write_bytes(b"")
    write_late(root / "late" / "dt=2024-03-09" / "hr=10" / "part-b-0-0", [
        late_row("e2", "2024-03-09T10:00:00.000Z", "2024-03-09T10:05:00.000Z"),
        late_row("e3", "2024-03-09T09:00:00.000Z", "2024-03-09T10:02:00.000Z"),
    ])
    write_late(root / "late" / "dt=2024-03-09" / "hr=09" / "part-b-0-0", [
        late_row("e5", "2024-03-09T09:10:00.000Z", "2024-03-09T10:02:00.000Z"),
    ])
    write_dlq(root / "dlq" / "dt=2024-03-09" / "hr=10" / "part-c-0-0", [
        ("{not json", "not valid JSON", "2024-03-09T10:00:02.000Z"),
        ('{"event_id": "x"}', "missing required field: event_type", "2024-03-09T10:00:03.000Z"),
    ])
    sessions = pa.table({"session_id": ["s1", "s2"], "event_count": pa.array([3, 1], pa.int64()),
                         "watch_time_ms": pa.array([120_000, 0], pa.int64())})
    directory = root / "processed" / "sessions" / "dt=2024-03-09" / "hr=10"
    directory.mkdir(parents=True)
    pq.write_table(sessions, directory / "part-d-0-0")
    return Lake(root)


def test_every_term_is_counted_from_the_zones(lake):
    summary = summarize(lake, records_in=10)
    assert summary.raw_rows == 8  # e1 x2, e2 x2, e3, e4, e5, e6
    assert summary.distinct_events == 6
    assert summary.duplicates == 2  # e1's redelivery and e2's late one
    assert summary.late_rows == 3  # e2's copy, e3, e5
    assert summary.late_redeliveries == 1  # e2: raw has it at 10:00:00, before the late row's 10:05:00
    assert summary.late_first_arrivals == 2  # e3 (the tie counts as first arrival) and e5
    assert summary.dlq_rows == 2
    assert summary.ontime_events == 4  # the sessions' 3 + 1: e1, e2, e4, e6
    assert summary.sessions == 2
    assert summary.dlq_reasons == [("not valid JSON", 1), ("missing required field", 1)]


def test_the_books_balance_with_late_redeliveries_counted_once(lake):
    summary = summarize(lake, records_in=10)
    # 4 on-time + 2 duplicates + 2 DLQ + (3 late rows - 1 late redelivery) = 10 = 8 raw + 2 DLQ
    assert summary.accounted == 10
    assert summary.adds_up
    assert not summarize(lake, records_in=11).adds_up


def test_devices_with_a_clock_off_by_more_than_a_minute(lake):
    summary = summarize(lake, records_in=10)
    assert summary.skewed_clock_records == 2  # e4 (11 minutes slow) and e5 (2 minutes fast); e6 is exactly 1
    assert summary.skewed_clock_late == 1  # e5


def test_the_rendering_says_where_late_redeliveries_went(lake):
    console = Console(record=True, width=200)
    render(summarize(lake, records_in=10), console)
    text = console.export_text()
    assert "1 of the 2 duplicates arrived after the dedup had let their event_id go: they are in late/" in text
    assert "2 records came from devices with a clock off by more than a minute" in text
    assert "1 of their events are in late/" in text
    assert "= 10; raw 8 + DLQ 2 = 10 -> adds up" in text


def test_skewed_devices_whose_events_were_on_time_are_said_to_be(tmp_path):
    root = tmp_path / "lake"
    write_raw(root / "raw" / "dt=2024-03-09" / "hr=10" / "part-0", [
        (record("e1", "2024-03-09T10:00:00.000Z", sent_at="2024-03-09T10:30:00Z"), "2024-03-09T10:00:00.000Z",
         SHARD, "1")])
    console = Console(record=True, width=200)
    summary = summarize(Lake(root), records_in=1)
    render(summary, console)
    assert (summary.skewed_clock_records, summary.skewed_clock_late) == (1, 0)
    assert "none of them is in late/: they were on time" in console.export_text()


def test_an_empty_lake_counts_nothing(tmp_path):
    summary = summarize(Lake(tmp_path), records_in=0)
    assert (summary.raw_rows, summary.duplicates, summary.late_rows, summary.dlq_rows) == (0, 0, 0, 0)
    assert summary.adds_up


def test_a_raw_record_without_an_event_id_is_an_error(tmp_path):
    write_raw(tmp_path / "raw" / "dt=2024-03-09" / "hr=10" / "part-0",
              [('["not", "an object"]', "2024-03-09T10:00:00.000Z", None, None)])
    with pytest.raises(LakeSummaryError, match="not a JSON object with an event_id"):
        summarize(Lake(Path(tmp_path)), records_in=1)
