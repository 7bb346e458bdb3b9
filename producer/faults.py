"""Fault injection for tests and demos: turns contract events into outgoing records, adding trouble.

Every knob is off by default; then each event becomes exactly one record, in the same order. The
knobs, all deterministic under a seed:

* ``duplicates`` (fraction of events): the record is delivered again a little later — a
  redelivery: the same event, which the sink stamps with its own ``sent_at`` as the new attempt it
  is. The copy arrives less than ``out_of_order_ms + duplicate_delay_ms`` of event time behind the
  newest record already emitted.
* ``out_of_order_ms``: arrival order is shuffled locally. Each event gets an arrival delay in
  ``[0, out_of_order_ms)`` and records leave in arrival order, so no event is ever ``out_of_order_ms``
  or more behind the newest event already emitted — with a bound at or under the job's allowed
  out-of-orderness such events are never late.
* ``late`` (fraction): an extra, valid event with a fresh ``event_id`` whose ``event_ts`` is at least
  ``late_by_ms`` (10 minutes) behind the newest event already emitted.
* ``malformed`` (fraction): an extra record that breaks the contract in one of many ways (not JSON,
  a JSON array, a missing field, a wrong type, an unknown enum value, a bad timestamp, an oversized
  value, a negative position, a lower-case country). Every record stays under 1 MiB.

``FaultLedger`` counts what was injected, so that records emitted = events + duplicates + late +
malformed, and the events the job should count as valid, unique and on time = emitted − duplicates −
late − malformed. An outage (``producer.outage``) removes play events before the faults are added;
it counts them as ``outage_dropped``, and then records emitted = events simulated − outage_dropped +
duplicates + late + malformed. Devices with a skewed clock (``producer.clock_skew``) send valid
records like any other; the ledger counts those records as ``skewed_fast`` and ``skewed_slow``
apart from the faults, as they change none of the sums above.

Example::

    ledger = FaultLedger()
    records = inject_faults(events, FaultConfig(duplicates=0.01, malformed=0.005), ledger, seed=7)
    for record in records:  # an OutgoingEvent (rendered by the sink at send time), or a malformed str
        ...

A valid event leaves as an ``OutgoingEvent`` (``producer.outgoing``), rendered to JSON with its
``sent_at`` by the sink at each send attempt; a malformed record is a finished ``str`` that goes out
as it is, without ``sent_at``.
"""

from __future__ import annotations

import heapq
import json
import random
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from producer.outgoing import OutgoingEvent, Record
from producer.simulator import PLAYBACK_EVENT_TYPES, format_ts

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MS = timedelta(milliseconds=1)
_REQUIRED = ("event_id", "event_type", "event_ts", "user_id", "device_id", "device_type", "country", "schema_version")
_OVERSIZED_CHARS = 5_000  # over the job's limits (ids 256, search_query 2048), far under 1 MiB

_encode = json.JSONEncoder(separators=(",", ":")).encode


@dataclass(frozen=True)
class FaultConfig:
    """The fault knobs; the defaults inject nothing."""

    duplicates: float = 0.0
    out_of_order_ms: int = 0
    late: float = 0.0
    malformed: float = 0.0
    late_by_ms: int = 10 * 60_000
    duplicate_delay_ms: int = 1_000

    def __post_init__(self) -> None:
        for name in ("duplicates", "late", "malformed"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be a fraction between 0 and 1, got {value}")
        if self.out_of_order_ms < 0:
            raise ValueError(f"out_of_order_ms must be >= 0, got {self.out_of_order_ms}")
        if self.late_by_ms < 1:
            raise ValueError(f"late_by_ms must be >= 1, got {self.late_by_ms}")
        if self.duplicate_delay_ms < 1:
            raise ValueError(f"duplicate_delay_ms must be >= 1, got {self.duplicate_delay_ms}")
        if self.late and self.late_by_ms <= self.out_of_order_ms + self.duplicate_delay_ms:
            raise ValueError(
                f"late_by_ms ({self.late_by_ms}) must exceed out_of_order_ms + duplicate_delay_ms"
                f" ({self.out_of_order_ms + self.duplicate_delay_ms}) so that late events stand apart"
            )

    @property
    def enabled(self) -> bool:
        return bool(self.duplicates or self.out_of_order_ms or self.late or self.malformed)


@dataclass
class FaultLedger:
    """What went out: every record, and how many of them were injected faults."""

    emitted: int = 0
    duplicates: int = 0
    late: int = 0
    malformed: int = 0
    outage_dropped: int = 0  # simulated play events an outage kept from being emitted (producer.outage)
    skewed_fast: int = 0  # emitted records of devices whose clock runs ahead (producer.clock_skew)
    skewed_slow: int = 0  # and of devices whose clock runs behind

    @property
    def skewed(self) -> int:
        """Records sent by devices with a skewed clock, whatever else they are (a redelivery or a late
        event of such a device counts here as well as in ``duplicates`` or ``late``)."""
        return self.skewed_fast + self.skewed_slow

    @property
    def clean(self) -> int:
        """Records that are the simulator's own events, each once."""
        return self.emitted - self.duplicates - self.late - self.malformed


def inject_faults(
    events: Iterable[dict], config: FaultConfig, ledger: FaultLedger, *, seed: int = 0
) -> Iterator[Record]:
    """Turn ``events`` (in event-time order) into records, injecting the configured faults.

    ``ledger`` is updated as records are yielded, so it is complete once the iterator is exhausted.
    """
    if not config.enabled:
        return _plain(events, ledger)
    return _faulty(events, config, ledger, random.Random(seed))


def event_ms(event_ts: str) -> int:
    """Milliseconds since the epoch of an ISO-8601 timestamp with ``Z`` or an offset."""
    return (datetime.fromisoformat(event_ts) - _EPOCH) // _MS


def _plain(events: Iterable[dict], ledger: FaultLedger) -> Iterator[OutgoingEvent]:
    for event in events:
        ledger.emitted += 1
        yield OutgoingEvent(event)


def _faulty(
    events: Iterable[dict], config: FaultConfig, ledger: FaultLedger, rng: random.Random
) -> Iterator[Record]:
    spread = config.out_of_order_ms
    # (arrival_ms, seq, event_ms, record, event or None for a redelivered copy)
    pending: list[tuple[int, int, int, OutgoingEvent, dict | None]] = []
    seq = 0
    newest: int | None = None
    first: int | None = None

    def fresh_id() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    def release(item: tuple[int, int, int, OutgoingEvent, dict | None]) -> Iterator[Record]:
        nonlocal newest, first, seq
        arrival, _, at, record, event = item
        newest = at if newest is None else max(newest, at)
        first = at if first is None else first
        ledger.emitted += 1
        yield record
        if event is None:
            return
        if config.duplicates and rng.random() < config.duplicates:
            ledger.duplicates += 1
            heapq.heappush(pending, (arrival + rng.randrange(config.duplicate_delay_ms), seq, at, record, None))
            seq += 1
        if config.late and rng.random() < config.late:
            behind = config.late_by_ms + rng.randrange(120_000)
            if newest - first >= behind:  # never before the stream began
                late_event = dict(event, event_id=fresh_id(), event_ts=format_ts(newest - behind))
                ledger.late += 1
                ledger.emitted += 1
                yield OutgoingEvent(late_event)
        if config.malformed and rng.random() < config.malformed:
            ledger.malformed += 1
            ledger.emitted += 1
            yield _malform(dict(event, event_id=fresh_id()), rng)

    for event in events:
        at = event_ms(event["event_ts"])
        delay = rng.randrange(spread) if spread else 0
        heapq.heappush(pending, (at + delay, seq, at, OutgoingEvent(event), event))
        seq += 1
        # Events still to come arrive no earlier than `at`, so whatever arrives by then can go.
        while pending and pending[0][0] <= at:
            yield from release(heapq.heappop(pending))
    while pending:
        yield from release(heapq.heappop(pending))


# --- malformed records --------------------------------------------------------------------------


def _not_json(event: dict, rng: random.Random) -> str:
    text = _encode(event)
    return text[: rng.randint(1, len(text) - 1)]  # cut short: the closing brace is always missing


def _python_repr(event: dict, rng: random.Random) -> str:
    return repr(event)  # single quotes, None: not JSON


def _json_array(event: dict, rng: random.Random) -> str:
    return _encode([event])


def _json_scalar(event: dict, rng: random.Random) -> str:
    return _encode(f"{event['event_type']} {event['user_id']}")


def _missing_field(event: dict, rng: random.Random) -> str:
    names = list(_REQUIRED)
    if event["event_type"] in PLAYBACK_EVENT_TYPES:
        names += ["title_id", "position_ms"]
    elif event["event_type"] == "search":
        names.append("search_query")
    del event[rng.choice(names)]
    return _encode(event)


def _wrong_type(event: dict, rng: random.Random) -> str:
    choice = rng.randrange(4)
    if choice == 0:
        event["position_ms"] = str(event.get("position_ms") or 12)  # "12" instead of 12
    elif choice == 1:
        event["schema_version"] = "1"
    elif choice == 2:
        event["user_id"] = rng.randint(1, 10**6)
    else:
        event["event_ts"] = event_ms(event["event_ts"])  # epoch number instead of a string
    return _encode(event)


def _unknown_event_type(event: dict, rng: random.Random) -> str:
    event["event_type"] = rng.choice(("rewind", "PLAY", "like", ""))
    return _encode(event)


def _unknown_device_type(event: dict, rng: random.Random) -> str:
    event["device_type"] = rng.choice(("smartwatch", "TV", "fridge"))
    return _encode(event)


def _bad_timestamp(event: dict, rng: random.Random) -> str:
    event["event_ts"] = rng.choice(("2026-13-45T99:00:00Z", "yesterday", "31/01/2026 20:15", ""))
    return _encode(event)


def _oversized(event: dict, rng: random.Random) -> str:
    if rng.random() < 0.5:
        event["user_id"] = "u" * _OVERSIZED_CHARS
    else:
        event.update(event_type="search", title_id=None, search_query="q" * _OVERSIZED_CHARS)
        event.pop("position_ms", None)
    return _encode(event)


def _negative_position(event: dict, rng: random.Random) -> str:
    event["position_ms"] = -rng.randint(1, 600_000)
    return _encode(event)


def _lowercase_country(event: dict, rng: random.Random) -> str:
    event["country"] = event["country"].lower()
    return _encode(event)


MALFORMATIONS: tuple[Callable[[dict, random.Random], str], ...] = (
    _not_json, _python_repr, _json_array, _json_scalar, _missing_field, _wrong_type, _unknown_event_type,
    _unknown_device_type, _bad_timestamp, _oversized, _negative_position, _lowercase_country,
)


def _malform(event: dict, rng: random.Random) -> str:
    return rng.choice(MALFORMATIONS)(event, rng)
