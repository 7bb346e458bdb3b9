"""Events per watching viewer: the counts of a hand-made day checked against a reading by hand, and
the simulator's sample checked against the contract's heartbeat rule."""

from __future__ import annotations

import itertools
import json
from datetime import datetime, timedelta, timezone

import pytest

from streamwatch.analyses.capacity.viewers import measure, sample_simulator

DAY = datetime(2026, 1, 5, tzinfo=timezone.utc)
START_MS = int(DAY.timestamp() * 1000)
END_MS = START_MS + 86_400_000


def at(offset: timedelta, zone: timezone = timezone.utc) -> str:
    moment = (DAY + offset).astimezone(zone)
    text = moment.isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def event(user: str, kind: str, offset: timedelta, title: str | None = None, zone: timezone = timezone.utc) -> dict:
    record = {"event_id": f"{user}-{kind}-{offset.total_seconds()}", "event_type": kind, "event_ts": at(offset, zone),
              "user_id": user, "device_id": f"dev-{user}", "device_type": "tv", "country": "US", "title_id": title}
    if title is not None:
        record["position_ms"] = 0
    record["schema_version"] = 1
    return record


H, M, S = timedelta(hours=1), timedelta(minutes=1), timedelta(seconds=1)
EVENTS = sorted([
    # u3 plays from 10 s before the day: its first credit counts only from midnight (50 s)
    event("u3", "play", -10 * S, "t1"),
    event("u3", "heartbeat", 50 * S, "t1"),
    # u1 at 20:00: credits 60 + 60 + 10 (to the pause) + 0 (pause -> resume) + 120 (capped) = 250 s
    event("u1", "browse", 20 * H),
    event("u1", "play", 20 * H + 10 * S, "t1"),
    event("u1", "heartbeat", 20 * H + 70 * S, "t1"),
    event("u1", "heartbeat", 20 * H + 130 * S, "t1"),
    event("u1", "pause", 20 * H + 140 * S, "t1"),
    event("u1", "resume", 20 * H + 200 * S, "t1"),
    event("u1", "stop", 20 * H + 500 * S, "t1", zone=timezone(timedelta(hours=5, minutes=30))),
    # u2 across 21:00: 30 s in each hour; then a gap over 30 minutes (no credit, a new session), then a
    # seek to another title (no credit: another title)
    event("u2", "play", 20 * H + 59 * M + 30 * S, "t2"),
    event("u2", "heartbeat", 21 * H + 30 * S, "t2"),
    event("u2", "heartbeat", 21 * H + 40 * M, "t2"),
    event("u2", "seek", 21 * H + 40 * M + 30 * S, "t3"),
    # u3 just before midnight: 55 s of its next credit fall in the day
    event("u3", "heartbeat", 23 * H + 59 * M + 5 * S, "t1"),
    event("u3", "heartbeat", 24 * H + 5 * S, "t1"),
], key=lambda e: datetime.fromisoformat(e["event_ts"]))
IN_DAY = [e for e in EVENTS if START_MS <= datetime.fromisoformat(e["event_ts"]).timestamp() * 1000 < END_MS]


def test_a_hand_made_day_counts_as_read_by_hand():
    sample = measure(iter(EVENTS), START_MS, END_MS)
    assert sample.days == 1
    assert len(IN_DAY) == 13
    assert {h: n for h, n in enumerate(sample.events_by_hour) if n} == {0: 1, 20: 8, 21: 3, 23: 1}
    assert {h: ms for h, ms in enumerate(sample.watched_ms_by_hour) if ms} == {
        0: 50_000, 20: 250_000 + 30_000, 21: 30_000, 23: 55_000}
    assert sample.peak_hour == 20
    assert sample.watching_at_peak == pytest.approx(280 / 3600)
    assert sample.events_per_watched_second_at_peak == pytest.approx(8 / 280)
    assert sample.average_to_peak == pytest.approx((13 / 24) / 8)
    assert sample.types_by_hour[20] == {"browse": 1, "play": 2, "heartbeat": 2, "pause": 1, "resume": 1, "stop": 1}
    assert sample.record_bytes == sum(len(json.dumps(e, separators=(",", ":")).encode()) for e in IN_DAY)
    assert sample.key_bytes == 2 * 13
    assert sample.daily_users == (3,)
    assert sample.daily_users_per_peak_viewer == pytest.approx(3 / (280 / 3600))
    # u1: 20:00 -> closes 20:38:20, same hour; u2: 20:59:30 -> 21:30:30 and 21:40 -> 22:10:30;
    # u3: 23:59:05 -> 00:30:05 the next day. u3's session from before the day is not counted.
    assert sample.sessions_by_close_lag == {0: 1, 1: 3}
    assert sample.playback_by_title == {"t1": 8, "t2": 3, "t3": 1}
    assert sample.title_shares == pytest.approx([8 / 12, 3 / 12, 1 / 12])
    # plays in the day: u1's at 20:00:10 and u2's at 20:59:30 (u3's is before it)
    assert sample.plays_by_pair == {("US", "tv"): 2}
    assert sample.play_share == pytest.approx(2 / 13) and sample.play_pair_shares == [1.0]


@pytest.mark.timeout(60)
def test_reading_stops_an_hour_past_the_window_on_an_endless_input():
    later = (event("u9", "heartbeat", 26 * H + n * S, "t1") for n in itertools.count())
    sample = measure(itertools.chain(EVENTS, later), START_MS, END_MS)
    assert sum(sample.events_by_hour) == 13


def test_the_window_must_be_whole_days():
    with pytest.raises(ValueError, match="whole UTC days"):
        measure(iter(EVENTS), START_MS + 1, END_MS)


def test_the_simulator_sample_is_deterministic_and_follows_the_heartbeat_rule():
    first = sample_simulator(users=100, days=1, seed=3)
    assert first == sample_simulator(users=100, days=1, seed=3)
    assert first.users == 100 and first.titles_in_catalog > 0
    heartbeats = sum(counts.get("heartbeat", 0) for counts in first.types_by_hour)
    watched_minutes = sum(first.watched_ms_by_hour) / 60_000
    # A playing client sends a heartbeat every 60 s (contract §1); a pause, seek or stop restarts the
    # minute, so there is at most one heartbeat per watched minute and, as most playing is
    # uninterrupted, not much less.
    assert 0.85 < heartbeats / watched_minutes <= 1.0
    # every viewer watching sends at least its heartbeats: more than 0.85 events per watched minute
    assert first.events_per_watched_second_at_peak * 60 > 0.85
    assert 0 < first.average_to_peak < 1


def test_the_heartbeat_interval_is_a_parameter_of_the_measurement():
    """At 10 s a playing client sends six heartbeats a watched minute instead of one: at most six (a
    pause, seek or stop restarts the interval) and, as most playing is uninterrupted, not much less.
    The other events of a watching viewer stay about as they were, so events per watched minute grow
    by about five."""
    at_60 = sample_simulator(users=100, days=1, seed=3)
    at_10 = sample_simulator(users=100, days=1, seed=3, heartbeat_s=10)
    assert at_60.heartbeat_s == 60 and at_10.heartbeat_s == 10
    heartbeats = sum(counts.get("heartbeat", 0) for counts in at_10.types_by_hour)
    watched_minutes = sum(at_10.watched_ms_by_hour) / 60_000
    assert 5.1 < heartbeats / watched_minutes <= 6.0
    gain = (at_10.events_per_watched_second_at_peak - at_60.events_per_watched_second_at_peak) * 60
    assert 4.0 < gain < 5.2
    with pytest.raises(ValueError, match="heartbeat interval"):
        sample_simulator(users=10, days=1, seed=3, heartbeat_s=121)
