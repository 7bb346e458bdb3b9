"""The simulator's output checked by an independent walk over it (oracles in conftest.py)."""

from __future__ import annotations

import json
import re
import tracemalloc
from collections import Counter, defaultdict
from datetime import datetime, timezone

import pytest

from producer.catalog import build_catalog
from producer.simulator import generate_events

START = datetime(2026, 1, 5, tzinfo=timezone.utc)
COUNT = 60_000
PLAYING = {"play", "resume", "seek", "heartbeat"}  # the player is running after these
GAP = 30 * 60_000


@pytest.fixture(scope="module")
def catalog():
    # few users, so the sample spans several days of the daily rhythm
    return build_catalog(21, users=200)


@pytest.fixture(scope="module")
def events(catalog):
    return list(generate_events(catalog, COUNT, 21, START))


@pytest.fixture(scope="module")
def by_key(events, check):
    """Each (user, device) key's events in order, with their instants."""
    keyed = defaultdict(list)
    for event in events:
        keyed[(event["user_id"], event["device_id"])].append((check.instant(event["event_ts"]), event))
    return keyed


def test_exactly_count_events_deterministic_under_the_seed(catalog, events):
    assert len(events) == COUNT
    assert list(generate_events(catalog, 500, 21, START)) == events[:500]
    assert list(generate_events(catalog, 500, 22, START)) != events[:500]
    assert list(generate_events(catalog, 0, 21, START)) == []


def test_every_event_satisfies_the_contract(events, check):
    for event in events:
        record = json.dumps(event)
        assert check.violation(record) is None, (check.violation(record), event)
        assert set(event) <= check.contract_fields
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", event["event_id"])
        if event["event_type"] in check.playback:
            assert isinstance(event["title_id"], str) and "search_query" not in event
        else:
            assert event["title_id"] is None and "position_ms" not in event
        if event["event_type"] == "search":
            assert event["search_query"].strip()
    assert len({e["event_id"] for e in events}) == len(events)
    assert Counter(e["event_type"] for e in events).keys() == {
        "play", "pause", "resume", "seek", "heartbeat", "stop", "search", "browse"
    }


def test_events_come_in_event_time_order_and_users_interleave(events, check):
    instants = [check.instant(e["event_ts"]) for e in events]
    assert instants == sorted(instants)
    assert instants[0] == int(START.timestamp() * 1000)
    switches = sum(1 for a, b in zip(events, events[1:]) if a["user_id"] != b["user_id"])
    assert switches > len(events) // 2
    assert len({e["user_id"] for e in events}) > 150


def test_some_timestamps_carry_an_offset_for_the_same_instant(events, check):
    with_offset = [e["event_ts"] for e in events if not e["event_ts"].endswith("Z")]
    assert 0 < len(with_offset) < len(events) * 0.1
    assert any(ts.endswith("+05:30") or ts.endswith("-05:00") or ts.endswith("+01:00") for ts in with_offset)


def test_playback_walk(by_key, catalog):
    runtime = {t.title_id: t.runtime_ms for t in catalog.titles}
    heartbeats = pauses_checked = resumes = seeks_jumping = 0
    for key, items in by_key.items():
        assert items[0][1]["event_type"] == "browse", key  # a key's first session starts by browsing
        for (t0, a), (t1, b) in zip(items, items[1:]):
            assert t1 > t0, key  # a key's events never share an instant
            kind = b["event_type"]
            if kind in {"play", "pause", "resume", "seek", "heartbeat", "stop"}:
                assert 0 <= b["position_ms"] <= runtime[b["title_id"]]
            if kind == "heartbeat":
                heartbeats += 1
                assert a["event_type"] in PLAYING and a["title_id"] == b["title_id"]
                assert t1 - t0 == 60_000
                assert b["position_ms"] == a["position_ms"] + 60_000
            if kind in {"pause", "stop"} and a["event_type"] in PLAYING and a["title_id"] == b["title_id"]:
                pauses_checked += 1
                assert b["position_ms"] == a["position_ms"] + (t1 - t0)  # the playhead moved with the clock
            if kind == "resume":
                resumes += 1
                assert a["event_type"] == "pause" and a["title_id"] == b["title_id"]
                assert a["position_ms"] == b["position_ms"]
            if kind == "seek" and a["event_type"] in PLAYING and b["position_ms"] != a["position_ms"] + (t1 - t0):
                seeks_jumping += 1
            if a["event_type"] in PLAYING and t1 - t0 > 60_000:
                # a running player sends a heartbeat every minute: a longer silence means the app died,
                # and the key's next event opens a new visit
                assert kind == "browse", (key, a, b)
    assert heartbeats > COUNT // 2
    assert pauses_checked > 100 and resumes > 100 and seeks_jumping > 100


def _episode(title_id):
    match = re.fullmatch(r"(sr-\d+)-s(\d+)e(\d+)", title_id or "")
    return (match.group(1), int(match.group(2)), int(match.group(3))) if match else None


def test_binges_switches_and_crashes_happen(by_key, catalog):
    runtime = {t.title_id: t.runtime_ms for t in catalog.titles}
    binges = switches = crashes = finished = 0
    for items in by_key.values():
        for (t0, a), (t1, b) in zip(items, items[1:]):
            if a["event_type"] == "stop" and b["event_type"] == "play" and a["title_id"] != b["title_id"]:
                switches += 1
                this, following = _episode(a["title_id"]), _episode(b["title_id"])
                if (
                    this and following and this[0] == following[0] and following[1:] > this[1:]
                    and a["position_ms"] == runtime[a["title_id"]] and b["position_ms"] == 0
                    and 5_000 <= t1 - t0 <= 15_000
                ):
                    binges += 1
            if a["event_type"] == "stop" and a["position_ms"] == runtime[a["title_id"]]:
                finished += 1
        # the visits of a key: split where a running player went silent, or after a stop/pause
        visits = [[]]
        for (t0, a), (t1, b) in zip(items, items[1:] + [(None, None)]):
            visits[-1].append(a)
            if b is not None and b["event_type"] == "browse" and a["event_type"] != "browse" and t1 - t0 > 60_000:
                visits.append([])
        for visit in visits[:-1]:  # the last visit may simply be cut by the end of the sample
            if visit[-1]["event_type"] in PLAYING:
                crashes += 1
    assert binges > 20
    assert switches > binges
    assert finished > 50
    assert crashes > 5


def test_gaps_at_the_thirty_minute_edge(by_key):
    gaps = Counter()
    for items in by_key.values():
        for (t0, _), (t1, _) in zip(items, items[1:]):
            delta = t1 - t0
            if delta == GAP:
                gaps["exact"] += 1
            elif GAP - 5_000 <= delta < GAP:
                gaps["under"] += 1
            elif GAP < delta <= GAP + 5_000:
                gaps["over"] += 1
    assert gaps["exact"] >= 2 and gaps["under"] >= 2 and gaps["over"] >= 2, gaps


def test_daily_rhythm_more_sessions_in_the_evening(by_key):
    starts = Counter()
    for items in by_key.values():
        previous = None
        for t, _ in items:
            if previous is None or t - previous > GAP:
                starts[(t // 3_600_000) % 24] += 1
            previous = t
    evening = sum(starts[h] for h in (18, 19, 20, 21, 22))
    night = sum(starts[h] for h in (1, 2, 3, 4, 5))
    assert evening > 2.5 * night > 0


def test_memory_stays_bounded():
    catalog = build_catalog(4, users=1000)
    tracemalloc.start()
    try:
        for _ in generate_events(catalog, 25_000, 4, START):
            pass
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # holding 25,000 events would take tens of MB; the merge keeps only the active sessions
    assert peak < 4_000_000


def test_start_must_be_timezone_aware(catalog):
    with pytest.raises(ValueError, match="timezone-aware"):
        generate_events(catalog, 1, 1, datetime(2026, 1, 1))


def test_a_shorter_heartbeat_interval_sends_heartbeats_that_often(catalog, check):
    """heartbeat_ms=10 s: consecutive heartbeats of a playing key are 10 s apart and move the playhead
    10 s; a playing key is never silent longer than that unless it stops or crashes. The default stays
    60 s, so the events of the default run are those of an explicit 60 s run."""
    assert list(generate_events(catalog, 2_000, 21, START, heartbeat_ms=60_000)) == \
        list(generate_events(catalog, 2_000, 21, START))
    keyed = defaultdict(list)
    for event in generate_events(catalog, 20_000, 21, START, heartbeat_ms=10_000):
        keyed[(event["user_id"], event["device_id"])].append((check.instant(event["event_ts"]), event))
    heartbeats = 0
    for key, items in keyed.items():
        for (t0, a), (t1, b) in zip(items, items[1:]):
            if b["event_type"] == "heartbeat":
                heartbeats += 1
                assert a["event_type"] in PLAYING and t1 - t0 == 10_000, key
                assert b["position_ms"] == a["position_ms"] + 10_000
            if a["event_type"] in PLAYING and t1 - t0 > 10_000:
                assert b["event_type"] == "browse", (key, a, b)
    assert heartbeats > 20_000 * 0.8  # most events of watching viewers are heartbeats, more so at 10 s
    with pytest.raises(ValueError, match="heartbeat_ms"):
        generate_events(catalog, 1, 21, START, heartbeat_ms=0)
