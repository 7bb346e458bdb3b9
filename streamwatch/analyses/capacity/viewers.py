"""How many events a watching viewer sends, measured on the producer's simulator.

``measure(events, start_ms, end_ms)`` reads contract events (in event-time order, as the simulator
yields them) and counts, over whole UTC days ``[start_ms, end_ms)``:

* per UTC hour of day, the events and the **watched time** - the credit contract §2 gives an event
  b after its key's previous event a: ``min(b - a, 120 s)`` when a is a ``play``, ``resume``,
  ``heartbeat`` or ``seek`` of the same title at most 30 minutes before. A viewer is *watching* while
  that credit accrues, so the watched seconds of an hour divided by 3,600 are the mean number of
  viewers watching in it: the concurrent viewers of the plan;
* the events of each type per hour, the bytes of each record as the producer sends it (compact
  JSON) and of its partition key (the ``user_id``), the distinct users of each day, the playback
  events of each title, the plays of each (country, device_type) pair, and the sessions (contract §2, 30-minute gap) with how many whole hours lie
  between the hour a session starts in and the hour it closes in (its last event + the gap: when
  the job writes it to the partition of its start).

``sample_simulator(users, days, seed, heartbeat_s)`` runs the simulator in-process for ``days`` whole
days after a warm-up and measures them, its playing clients sending a heartbeat every
``heartbeat_s`` seconds (60, the simulator's and contract §1's, by default); the same arguments always
give the same sample.

Example::

    sample = sample_simulator(users=2000, days=2, seed=1, heartbeat_s=10)
    sample.peak_hour, sample.events_per_watched_second_at_peak
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
WATCH_CAP_MS = 120_000  # contract §2
SESSION_GAP_MS = 30 * 60_000  # contract §2
CREDITING = frozenset(("play", "resume", "heartbeat", "seek"))  # contract §2: a's that earn b credit
PLAYBACK = frozenset(("play", "pause", "resume", "seek", "heartbeat", "stop"))
_WARM_UP_MS = 6 * HOUR_MS  # sessions run for hours: start this long before the first measured day
_TAIL_MS = 60 * 60_000  # read this far past the end, so that credits and sessions ending there close


@dataclass(frozen=True)
class ViewerSample:
    """Counts over whole days; the ratios the plan uses are properties."""

    days: int
    events_by_hour: tuple[int, ...]  # 24 entries, UTC hour of day, summed over the days
    watched_ms_by_hour: tuple[float, ...]  # 24 entries
    types_by_hour: tuple[dict[str, int], ...]  # 24 entries: event type -> events
    record_bytes: int  # sum over the events of the record's UTF-8 bytes (compact JSON)
    key_bytes: int  # sum over the events of the partition key's bytes (the user_id)
    daily_users: tuple[int, ...]  # distinct user_ids of each day
    sessions_by_close_lag: dict[int, int]  # whole hours from the start's hour to the close's hour -> sessions
    playback_by_title: dict[str, int] = field(repr=False)
    plays_by_pair: dict[tuple[str, str], int] = field(default_factory=dict, repr=False)  # (country, device) -> plays
    users: int = 0  # of the simulated catalog (0 for a sample not made by the simulator)
    seed: int | None = None
    titles_in_catalog: int = 0
    heartbeat_s: float = 60.0  # the interval the simulated clients sent heartbeats at

    @property
    def events(self) -> int:
        return sum(self.events_by_hour)

    @property
    def peak_hour(self) -> int:
        """The UTC hour of day with the most watched time (most viewers watching)."""
        return max(range(24), key=lambda hour: self.watched_ms_by_hour[hour])

    @property
    def watching_at_peak(self) -> float:
        """Mean number of viewers watching during the peak hour."""
        return self.watched_ms_by_hour[self.peak_hour] / (HOUR_MS * self.days)

    @property
    def events_per_watched_second_at_peak(self) -> float:
        """Events a watching viewer causes per second, in the peak hour (all event types: browse and
        search of viewers about to watch included, in the proportion the simulator has them)."""
        return self.events_by_hour[self.peak_hour] / (self.watched_ms_by_hour[self.peak_hour] / 1000)

    @property
    def average_to_peak(self) -> float:
        """The day's mean event rate over the peak hour's."""
        return (self.events / 24) / self.events_by_hour[self.peak_hour]

    @property
    def type_shares_at_peak(self) -> dict[str, float]:
        counts = self.types_by_hour[self.peak_hour]
        total = sum(counts.values())
        return {kind: count / total for kind, count in sorted(counts.items(), key=lambda item: -item[1])}

    @property
    def record_bytes_per_event(self) -> float:
        return self.record_bytes / self.events

    @property
    def key_bytes_per_event(self) -> float:
        return self.key_bytes / self.events

    @property
    def daily_users_per_peak_viewer(self) -> float:
        return (sum(self.daily_users) / len(self.daily_users)) / self.watching_at_peak

    @property
    def close_lag_shares(self) -> dict[int, float]:
        total = sum(self.sessions_by_close_lag.values())
        return {lag: count / total for lag, count in sorted(self.sessions_by_close_lag.items())}

    @property
    def title_shares(self) -> list[float]:
        """Each title's share of playback events, largest first."""
        total = sum(self.playback_by_title.values())
        return sorted((count / total for count in self.playback_by_title.values()), reverse=True)

    @property
    def play_pair_shares(self) -> list[float]:
        """Each (country, device_type) pair's share of play events, largest first."""
        total = sum(self.plays_by_pair.values())
        return sorted((count / total for count in self.plays_by_pair.values()), reverse=True) if total else []

    @property
    def play_share(self) -> float:
        """Play events over all events."""
        return sum(self.plays_by_pair.values()) / self.events


def measure(events: Iterable[dict], start_ms: int, end_ms: int) -> ViewerSample:
    """Count ``events`` (event-time order) over the whole days ``[start_ms, end_ms)``.

    Reads at most until an event one hour past ``end_ms``, so an endless iterator is fine.
    """
    from producer.faults import event_ms

    if start_ms % DAY_MS or end_ms % DAY_MS or end_ms <= start_ms:
        raise ValueError("the window must be whole UTC days: start and end at midnight, end after start")
    days = (end_ms - start_ms) // DAY_MS
    events_by_hour = [0] * 24
    watched = [0.0] * 24
    types: list[Counter] = [Counter() for _ in range(24)]
    record_bytes = key_bytes = 0
    users_by_day: list[set[str]] = [set() for _ in range(days)]
    by_title: Counter = Counter()
    by_pair: Counter = Counter()
    lags: Counter = Counter()
    previous: dict[tuple[str, str], tuple[int, str, str | None]] = {}
    sessions: dict[tuple[str, str], tuple[int, int]] = {}  # key -> (first event, last event)

    def close(first: int, last: int) -> None:
        if start_ms <= first < end_ms:
            lags[(last + SESSION_GAP_MS) // HOUR_MS - first // HOUR_MS] += 1

    for event in events:
        t = event_ms(event["event_ts"])
        if t >= end_ms + _TAIL_MS:
            break
        key = (event["user_id"], event["device_id"])
        kind = event["event_type"]
        title = event.get("title_id")
        before = previous.get(key)
        if before is not None:
            a, a_kind, a_title = before
            if a_kind in CREDITING and title is not None and title == a_title and t - a <= SESSION_GAP_MS:
                _credit(watched, a, a + min(t - a, WATCH_CAP_MS), start_ms, end_ms)
        previous[key] = (t, kind, title)
        span = sessions.get(key)
        if span is not None and t - span[1] > SESSION_GAP_MS:
            close(*span)
            span = None
        sessions[key] = (t, t) if span is None else (span[0], t)
        if start_ms <= t < end_ms:
            hour = t // HOUR_MS % 24
            events_by_hour[hour] += 1
            types[hour][kind] += 1
            record_bytes += len(_encode(event).encode("utf-8"))
            key_bytes += len(event["user_id"].encode("utf-8"))
            users_by_day[(t - start_ms) // DAY_MS].add(event["user_id"])
            if kind in PLAYBACK and title is not None:
                by_title[title] += 1
            if kind == "play":
                by_pair[(event["country"], event["device_type"])] += 1
    for span in sessions.values():  # the end of what was read ends the sessions still open
        close(*span)
    if not sum(events_by_hour) or not sum(watched):
        raise ValueError("no events or no watched time in the window: sample more users or days")
    return ViewerSample(days=days, events_by_hour=tuple(events_by_hour), watched_ms_by_hour=tuple(watched),
                        types_by_hour=tuple(dict(counter) for counter in types), record_bytes=record_bytes,
                        key_bytes=key_bytes, daily_users=tuple(len(users) for users in users_by_day),
                        sessions_by_close_lag=dict(lags), playback_by_title=dict(by_title),
                        plays_by_pair=dict(by_pair))


def sample_simulator(users: int = 2000, days: int = 2, seed: int = 1, heartbeat_s: float = 60) -> ViewerSample:
    """Simulate ``users`` viewers (the producer's catalog and simulator) for ``days`` whole days,
    their playing clients sending a heartbeat every ``heartbeat_s`` seconds."""
    from producer.catalog import build_catalog
    from producer.simulator import generate_events

    if users < 1 or days < 1:
        raise ValueError("sample at least one user over at least one day")
    heartbeat_ms = round(heartbeat_s * 1000)
    if heartbeat_ms < 1000 or heartbeat_ms > WATCH_CAP_MS:
        raise ValueError(f"the heartbeat interval must be 1 to {WATCH_CAP_MS // 1000} s (contract §2 credits at most "
                         f"{WATCH_CAP_MS // 1000} s after a heartbeat), got {heartbeat_s:g} s")
    catalog = build_catalog(seed, users=users)
    first_day = datetime(2026, 1, 5, tzinfo=timezone.utc)  # any date: the simulator's rhythm is by UTC hour
    events = generate_events(catalog, 1 << 62, seed, first_day - timedelta(milliseconds=_WARM_UP_MS),
                             heartbeat_ms=heartbeat_ms)
    start_ms = int(first_day.timestamp() * 1000)
    sample = measure(events, start_ms, start_ms + days * DAY_MS)
    return replace(sample, users=users, seed=seed, titles_in_catalog=len(catalog.titles),
                   heartbeat_s=heartbeat_ms / 1000)


def _credit(watched: list[float], begin: int, end: int, start_ms: int, end_ms: int) -> None:
    """Add the watched interval [begin, end), clipped to the window, to the hours it spans."""
    begin, end = max(begin, start_ms), min(end, end_ms)
    while begin < end:
        edge = min(end, (begin // HOUR_MS + 1) * HOUR_MS)
        watched[begin // HOUR_MS % 24] += edge - begin
        begin = edge


_encode = json.JSONEncoder(separators=(",", ":")).encode  # as the producer serializes a record
