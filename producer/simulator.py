"""Realistic viewing behaviour as a stream of contract events (DESIGN §3), in event-time order.

A *session* is one user on one device: it opens with ``browse`` (and maybe ``search``), then ``play``;
while playing a ``heartbeat`` comes every 60 s (``heartbeat_ms`` sets another interval); the viewer
pauses and resumes, seeks, switches titles, binges the next episodes of a series, and ends with
``stop`` — or the app crashes and the events just end. Sessions start as a Poisson process whose
rate follows the hour of day (UTC, evening peak).

Many sessions run at once; ``generate_events`` merges them with a heap keyed on event time, so the
output is in event-time order and memory stays bounded by the number of concurrent sessions, however
many events are asked for.

Edges for sessionization (DESIGN §4), all deterministic under the seed:

* a few % of sessions hold a gap of exactly 30:00.000, or 1 ms–5 s under or over it, between two
  consecutive events of their (user, device) key — a long pause, or a return after a stop or crash;
* a few % of sessions write ``event_ts`` with a non-``Z`` offset (e.g. ``+05:30``) for the same instant.

Example::

    catalog = build_catalog(seed=7)
    for event in generate_events(catalog, 1_000, seed=7, start=datetime(2026, 1, 31, tzinfo=timezone.utc)):
        ...
"""

from __future__ import annotations

import bisect
import heapq
import random
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

from producer.catalog import Catalog

EVENT_TYPES = ("play", "pause", "resume", "seek", "heartbeat", "stop", "search", "browse")
PLAYBACK_EVENT_TYPES = frozenset(("play", "pause", "resume", "seek", "heartbeat", "stop"))
SCHEMA_VERSION = 1

HEARTBEAT_MS = 60_000
SESSION_GAP_MS = 30 * 60_000  # DESIGN §4: events at most this far apart are one session

# Relative session-start rate per UTC hour (mean 1 after normalisation): quiet night, evening peak.
HOUR_WEIGHTS = (
    0.55, 0.40, 0.30, 0.22, 0.20, 0.24, 0.32, 0.45, 0.55, 0.62, 0.68, 0.74,
    0.80, 0.84, 0.88, 0.95, 1.05, 1.25, 1.60, 2.00, 2.30, 2.35, 1.85, 1.10,
)
SESSIONS_PER_USER_PER_DAY = 2.0
# Mean events per session under the behaviour below, measured over 1,000,000 events (~58.7); used only
# by estimate_start.
MEAN_EVENTS_PER_SESSION = 58.0

_EDGE_GAP_SHARE = 0.03  # sessions that hold one gap at the 30-minute edge
_OFFSET_SHARE = 0.03  # sessions whose client writes event_ts with a UTC offset instead of Z
_OFFSETS_MINUTES = (330, -300, 60, 545, -210, 0, 540, -180)  # +05:30, -05:00, +01:00, +05:45, ...
_BOUNCE_SHARE = 0.06  # visits that browse and leave without playing
_SEARCH_SHARE = 0.3
_CRASH_SHARE = 0.04  # visits whose app crashes: no stop, the events just end
_CRASH_MEAN_MS = 25 * 60_000
_BINGE_SHARE = 0.45  # series visits that go on to the next episodes
_ACTION_MEAN_MS = 11 * 60_000  # mean time between pause / seek / switch while playing
_PAUSE_MEAN_MS = 90_000
_RETURN_SHARE = 0.05  # visits followed, after a short break, by another visit of the same session
_USER_PICK_TRIES = 8
_WARM_UP_MS = 3_600_000  # from no session at all to the steady number of concurrent sessions

# An event as a session yields it: (event_ms, event_type, title_id, position_ms, search_query).
_Step = tuple[int, str, "str | None", "int | None", "str | None"]


def generate_events(
    catalog: Catalog,
    count: int,
    seed: int,
    start: datetime,
    *,
    sessions_per_user_per_day: float = SESSIONS_PER_USER_PER_DAY,
    heartbeat_ms: int = HEARTBEAT_MS,
) -> Iterator[dict]:
    """Yield exactly ``count`` contract events in event-time order, starting at ``start``.

    ``heartbeat_ms`` is the interval of a playing client's heartbeats (contract §1: 60 s); another
    interval changes the heartbeats, and as every event draws its id from the same generator, the
    sessions that follow too.

    Deterministic: the same catalog, count, seed, start and heartbeat interval give the same events.
    """
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware (UTC), e.g. datetime(2026, 1, 31, tzinfo=timezone.utc)")
    if sessions_per_user_per_day <= 0:
        raise ValueError("sessions_per_user_per_day must be > 0")
    if heartbeat_ms < 1:
        raise ValueError(f"heartbeat_ms must be >= 1, got {heartbeat_ms}")
    return _merge(catalog, count, seed, _to_ms(start), sessions_per_user_per_day, heartbeat_ms)


def estimate_start(
    catalog: Catalog,
    count: int,
    end: datetime,
    *,
    sessions_per_user_per_day: float = SESSIONS_PER_USER_PER_DAY,
) -> datetime:
    """About when to start so that ``count`` events end around ``end``, following the daily rhythm.

    Walks back from ``end`` hour by hour, adding the expected events of each hour of day, until they
    reach ``count``, then an hour more, as concurrent sessions take about that long to build up from
    none. It is an estimate: the events may end somewhat before ``end`` or after it.
    """
    if end.tzinfo is None:
        raise ValueError("end must be timezone-aware (UTC)")
    mean_weight = sum(HOUR_WEIGHTS) / len(HOUR_WEIGHTS)
    per_ms = MEAN_EVENTS_PER_SESSION * sessions_per_user_per_day * len(catalog.users) / 86_400_000 / mean_weight
    t = _to_ms(end)
    remaining = float(count)
    while remaining > 0:
        rate = per_ms * HOUR_WEIGHTS[(t - 1) // 3_600_000 % 24]
        into_hour = (t - 1) % 3_600_000 + 1  # ms back to the start of the hour t-1 falls in
        if rate * into_hour >= remaining:
            t -= int(remaining / rate) + 1
            break
        remaining -= rate * into_hour
        t -= into_hour
    return datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(milliseconds=t - _WARM_UP_MS)


def format_ts(event_ms: int, offset_minutes: int | None = None) -> str:
    """ISO-8601 with milliseconds: ``2026-01-31T20:15:00.123Z``, or with an offset such as ``+05:30``."""
    if offset_minutes is None:
        seconds, millis = divmod(event_ms, 1000)
        return f"{time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(seconds))}.{millis:03d}Z"
    seconds, millis = divmod(event_ms + offset_minutes * 60_000, 1000)
    sign = "+" if offset_minutes >= 0 else "-"
    hours, minutes = divmod(abs(offset_minutes), 60)
    return f"{time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(seconds))}.{millis:03d}{sign}{hours:02d}:{minutes:02d}"


# --- merging concurrent sessions --------------------------------------------------------------


def _merge(catalog: Catalog, count: int, seed: int, start_ms: int, per_user_per_day: float,
           heartbeat_ms: int = HEARTBEAT_MS) -> Iterator[dict]:
    rng = random.Random(seed)
    library = _Library(catalog, rng)
    users = catalog.users
    n_users = len(users)
    mean_weight = sum(HOUR_WEIGHTS) / len(HOUR_WEIGHTS)
    # sessions per millisecond, per hour of day
    rates = [per_user_per_day * n_users / 86_400_000 * w / mean_weight for w in HOUR_WEIGHTS]
    busy: set[str] = set()
    heap: list = []
    push, replace, pop = heapq.heappush, heapq.heapreplace, heapq.heappop
    getrandbits = rng.getrandbits
    UUID = uuid.UUID
    playback = PLAYBACK_EVENT_TYPES
    next_arrival = start_ms
    seq = 0
    cached_second = -1
    cached_prefix = ""

    emitted = 0
    while emitted < count:
        if not heap or next_arrival <= heap[0][0]:
            # a new session starts, on a user who is not watching already
            for _ in range(_USER_PICK_TRIES):
                user = users[rng.randrange(n_users)]
                if user.user_id not in busy:
                    break
            else:
                user = None
            if user is not None:
                busy.add(user.user_id)
                device = user.devices[rng.randrange(len(user.devices))]
                offset = rng.choice(_OFFSETS_MINUTES) if rng.random() < _OFFSET_SHARE else None
                context = (user.user_id, device.device_id, device.device_type, user.country, device.app_version, offset)
                session = _session(rng, library, next_arrival, heartbeat_ms)
                first = next(session)
                push(heap, (first[0], seq, first, session, context))
                seq += 1
            hour = (next_arrival // 3_600_000) % 24
            next_arrival += 1 + int(rng.expovariate(rates[hour]))
            continue

        event_ms, _, step, session, context = heap[0]
        user_id, device_id, device_type, country, app_version, offset = context
        event_type = step[1]
        if offset is None:
            second = event_ms // 1000
            if second != cached_second:
                cached_second = second
                cached_prefix = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
            event_ts = f"{cached_prefix}.{event_ms % 1000:03d}Z"
        else:
            event_ts = format_ts(event_ms, offset)
        event = {
            "event_id": str(UUID(int=getrandbits(128), version=4)),
            "event_type": event_type,
            "event_ts": event_ts,
            "user_id": user_id,
            "device_id": device_id,
            "device_type": device_type,
            "country": country,
            "title_id": step[2],
        }
        if event_type in playback:
            event["position_ms"] = step[3]
        elif event_type == "search":
            event["search_query"] = step[4]
        if app_version is not None:
            event["app_version"] = app_version
        event["schema_version"] = SCHEMA_VERSION
        yield event
        emitted += 1

        following = next(session, None)
        if following is None:
            pop(heap)
            busy.discard(user_id)
        else:
            replace(heap, (following[0], seq, following, session, context))
            seq += 1


# --- one session ---------------------------------------------------------------------------------


class _Library:
    """What a viewer can pick: titles weighted by a long-tailed popularity, series by episode."""

    def __init__(self, catalog: Catalog, rng: random.Random) -> None:
        self.runtime = {t.title_id: t.runtime_ms for t in catalog.titles}
        self.next_episode = dict(catalog.next_episode)
        self.in_series = {episode: episodes for episodes in catalog.series for episode in episodes}
        self.query_text = {}
        for title in catalog.titles:
            text = title.name.rsplit(" S", 1)[0] if title.kind == "series" else title.name
            self.query_text[title.title_id] = text.lower()
        # one entry per movie and per series; popularity ~ 1 / rank^0.9 over a shuffled order
        entries: list[tuple[str, ...]] = [(t.title_id,) for t in catalog.titles if t.kind == "movie"]
        entries.extend(catalog.series)
        rng.shuffle(entries)
        self.entries = entries
        total = 0.0
        self.cumulative = []
        for rank in range(len(entries)):
            total += 1.0 / (rank + 1) ** 0.9
            self.cumulative.append(total)
        self.total = total

    def pick(self, rng: random.Random) -> str:
        entry = self.entries[bisect.bisect_right(self.cumulative, rng.random() * self.total)]
        if len(entry) == 1 or rng.random() < 0.5:
            return entry[0]
        return entry[rng.randrange(len(entry))]  # carry on with a later episode

    def query(self, title_id: str, rng: random.Random) -> str:
        text = self.query_text[title_id]
        return text[: rng.randint(min(3, len(text)), len(text))].strip() or text


def _edge_gap(rng: random.Random) -> int:
    """A gap of exactly 30:00.000, or just under or just over it."""
    r = rng.random()
    if r < 1 / 3:
        return SESSION_GAP_MS
    delta = rng.choice((1, rng.randint(2, 999), rng.randint(1_000, 5_000)))
    return SESSION_GAP_MS - delta if r < 2 / 3 else SESSION_GAP_MS + delta


def _session(rng: random.Random, library: _Library, t: int, heartbeat_ms: int = HEARTBEAT_MS) -> Iterator[_Step]:
    """The events of one (user, device) session from time ``t``: one or more visits."""
    edge_gap = _edge_gap(rng) if rng.random() < _EDGE_GAP_SHARE else None
    while True:
        yield (t, "browse", None, None, None)
        for _ in range(rng.choices((0, 1, 2), (50, 30, 20))[0]):
            t += rng.randint(2_000, 40_000)
            yield (t, "browse", None, None, None)
        title = library.pick(rng)
        if rng.random() < _SEARCH_SHARE:
            t += rng.randint(3_000, 25_000)
            yield (t, "search", None, None, library.query(title, rng))
        if rng.random() >= _BOUNCE_SHARE:
            t, edge_gap = yield from _watch(rng, library, t + rng.randint(2_000, 30_000), title, edge_gap,
                                            heartbeat_ms)
        if edge_gap is not None:
            t += edge_gap  # come back exactly at, or just either side of, the session gap
            edge_gap = None
        elif rng.random() < _RETURN_SHARE:
            t += rng.randint(60_000, 25 * 60_000)
        else:
            return


def _target(rng: random.Random, position: int, runtime: int, binge: bool) -> int:
    """The position at which the viewer will stop watching this title (runtime = to the end)."""
    if rng.random() < (0.6 if binge else 0.35):
        return runtime
    return min(runtime, position + 60_000 + int(rng.expovariate(1 / (25 * 60_000))))


def _watch(rng: random.Random, library: _Library, t: int, title: str, edge_gap: int | None,
           heartbeat_ms: int = HEARTBEAT_MS):
    """Play ``title`` from time ``t``; returns (time of the last event, unused edge gap)."""
    never = 1 << 62
    runtime = library.runtime[title]
    position = 0 if rng.random() < 0.7 else rng.randrange(runtime * 4 // 5)
    binge_left = rng.randint(1, 5) if title in library.in_series and rng.random() < _BINGE_SHARE else 0
    crash_at = t + int(rng.expovariate(1 / _CRASH_MEAN_MS)) if rng.random() < _CRASH_SHARE else never
    target = _target(rng, position, runtime, binge_left > 0)
    yield (t, "play", title, position, None)
    action_at = t + 1_000 + int(rng.expovariate(1 / _ACTION_MEAN_MS))
    while True:
        heartbeat_at = t + heartbeat_ms
        end_at = t + (target - position)
        if crash_at < heartbeat_at and crash_at < end_at and crash_at < action_at:
            return t, edge_gap  # the app dies: no stop, the events just end
        if heartbeat_at < end_at and heartbeat_at < action_at:
            t = heartbeat_at
            position += heartbeat_ms
            yield (t, "heartbeat", title, position, None)
            continue

        if end_at <= action_at:  # the viewer reaches the point where they stop
            t, position = end_at, target
            yield (t, "stop", title, position, None)
            if position == runtime and binge_left and title in library.next_episode:
                binge_left -= 1
                title = library.next_episode[title]  # autoplay of the next episode after a countdown
                runtime, position = library.runtime[title], 0
                t += rng.randint(5_000, 15_000)
            elif rng.random() < 0.2:
                t, title = yield from _choose_another(rng, library, t)
                runtime = library.runtime[title]
                position = 0 if rng.random() < 0.8 else rng.randrange(runtime * 4 // 5)
            else:
                return t, edge_gap
            target = _target(rng, position, runtime, binge_left > 0)
            yield (t, "play", title, position, None)
            action_at = t + 1_000 + int(rng.expovariate(1 / _ACTION_MEAN_MS))
            continue

        position += action_at - t
        t = action_at
        roll = rng.random()
        if roll < 0.55:  # pause, then mostly resume
            yield (t, "pause", title, position, None)
            if edge_gap is not None:
                paused, edge_gap = edge_gap, None
            else:
                paused = min(20 * 60_000, 2_000 + int(rng.expovariate(1 / _PAUSE_MEAN_MS)))
            if t + paused >= crash_at:
                return t, edge_gap
            t += paused
            if rng.random() < 0.08:
                yield (t, "stop", title, position, None)
                return t, edge_gap
            yield (t, "resume", title, position, None)
        elif roll < 0.9:  # seek forward or back
            if rng.random() < 0.6:
                jump = rng.randint(10_000, 10 * 60_000)
            else:
                jump = -rng.randint(10_000, 3 * 60_000)
            position = max(0, min(runtime - 1, position + jump))
            yield (t, "seek", title, position, None)
            if position >= target:
                target = min(runtime, position + 60_000 + int(rng.expovariate(1 / (20 * 60_000))))
        else:  # switch to another title
            yield (t, "stop", title, position, None)
            t, title = yield from _choose_another(rng, library, t)
            runtime = library.runtime[title]
            position = 0 if rng.random() < 0.8 else rng.randrange(runtime * 4 // 5)
            target = _target(rng, position, runtime, binge_left > 0)
            yield (t, "play", title, position, None)
        action_at = t + 1_000 + int(rng.expovariate(1 / _ACTION_MEAN_MS))


def _choose_another(rng: random.Random, library: _Library, t: int):
    """Back to browsing after a stop; returns (time of the next play, the chosen title)."""
    t += rng.randint(3_000, 30_000)
    if rng.random() < 0.5:
        yield (t, "browse", None, None, None)
        t += rng.randint(2_000, 20_000)
    return t, library.pick(rng)


def _to_ms(moment: datetime) -> int:
    return (moment - datetime(1970, 1, 1, tzinfo=timezone.utc)) // timedelta(milliseconds=1)
