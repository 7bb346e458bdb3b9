"""Redeliveries, bounded in event time (issue 13 item 4): the job remembers an event_id until its
watermark has passed the event's time by the dedup's grace (processing.dedup.grace.ms, 60 s), not
for a span of processing time. A redelivery within the grace is dropped as a duplicate; one that
comes after a long outage (here: two hours of event time later, read a moment later) is behind the
watermark: it goes to late/, is counted once, and the accounting says where it went."""

from __future__ import annotations

import json

import pytest

from tests.reference.contract import evaluate

pytestmark = pytest.mark.flink


def _event(event_id: str, event_type: str, stamp: str, user: str = "user-k", title: str | None = "title-1") -> str:
    event = {"event_id": event_id, "event_type": event_type, "event_ts": stamp, "user_id": user,
             "device_id": f"{user}-tv", "device_type": "tv", "country": "US", "schema_version": 1}
    if event_type not in ("browse", "search"):
        event.update(title_id=title, position_ms=0)
    return json.dumps(event)


@pytest.fixture(scope="module")
def records() -> list[str]:
    play = _event("k-play", "play", "2026-11-20T10:00:00.000Z")
    heartbeat = _event("k-heartbeat", "heartbeat", "2026-11-20T10:01:00.000Z")
    records = [play, heartbeat, play]  # a redelivery within the grace: dropped
    # two hours of other viewers' events move the watermark far past the key's events
    records += [_event(f"o-{n}", "browse", f"2026-11-20T{10 + (n + 3) // 6:02d}:{(n + 3) % 6 * 10:02d}:00.000Z",
                       user="user-o", title=None) for n in range(12)]
    records.append(heartbeat)  # a redelivery after a long outage: the dedup has let its id go
    records.append(_event("k-new-late", "heartbeat", "2026-11-20T10:30:00.000Z"))  # a late first arrival
    return records


@pytest.fixture(scope="module")
def lake(replay, records):
    return replay(records, name="dedup", dedup_grace_ms=60_000)


def test_the_reference_agrees_with_the_case(records):
    expected = evaluate(records, dedup_grace_ms=60_000)
    assert expected.duplicates == 2 and expected.late_redeliveries == 1
    assert sorted(e["event_id"] for e in expected.late) == ["k-heartbeat", "k-new-late"]


def test_each_event_is_counted_once(lake, records):
    sessions = [row for row in lake.rows("processed/sessions") if row["user_id"] == "user-k"]
    assert [(row["event_count"], row["play_count"], row["watch_time_ms"]) for row in sessions] == [(2, 1, 60_000)]
    windows = [row for row in lake.rows("processed/title_watch_5m") if row["title_id"] == "title-1"]
    assert [(row["play_starts"], row["watch_time_ms"]) for row in windows] == [(1, 60_000)]


def test_the_late_redelivery_is_in_late_with_its_own_arrival(lake):
    late = {row["event_id"]: row for row in lake.rows("late")}
    assert sorted(late) == ["k-heartbeat", "k-new-late"]
    first = min(row["arrival"] for row in lake.rows("raw") if '"k-heartbeat"' in row["record"])
    assert late["k-heartbeat"]["received_at"] > first


def test_the_accounting_says_where_the_redelivery_went(lake, records):
    from streamwatch.analyses.summary import summarize

    summary = summarize(lake, records_in=len(records))
    assert summary.duplicates == 2 and summary.late_redeliveries == 1 and summary.late_rows == 2
    assert summary.ontime_events == len(records) - 3  # the two duplicates and the late first arrival
    assert summary.adds_up
