"""An independent, plain-Python reading of DESIGN §3-§5, used as the oracle of the Flink job.

Nothing here imports the project: it re-derives the contract from the design text, so a test that
compares the job's output with these functions checks the SQL against the specification.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

EVENT_TYPES = {"play", "pause", "resume", "seek", "heartbeat", "stop", "search", "browse"}
PLAYBACK = {"play", "pause", "resume", "seek", "heartbeat", "stop"}
CREDITING = {"play", "resume", "heartbeat", "seek"}
DEVICE_TYPES = {"tv", "mobile", "tablet", "web", "console"}
REQUIRED_STRINGS = ("event_id", "event_type", "event_ts", "user_id", "device_id", "device_type", "country")
# Size limits documented in docs/data_model.md ("oversized values" are rejected).
MAX_CHARS = {"event_id": 256, "user_id": 256, "device_id": 256, "title_id": 256, "app_version": 256,
             "search_query": 2048}
MAX_RECORD_CHARS = 1_048_576
MAX_POSITION_MS = 999_999_999_999_999
TS_PATTERN = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:?\d{2})$"
)


def parse_ts(text: str) -> datetime | None:
    """ISO-8601 with Z or an offset -> naive UTC datetime truncated to milliseconds."""
    match = TS_PATTERN.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        local = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))
    except ValueError:
        return None
    millis = int((fraction or "").ljust(3, "0")[:3])
    local += timedelta(milliseconds=millis)
    if zone in ("Z", "z"):
        offset = timedelta(0)
    else:
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        if zone[0] == "-":
            offset = -offset
    return local - offset


def event_time(event: dict, arrival: datetime, corrects_clock: bool) -> datetime:
    """DESIGN §3: event_ts + (arrival − sent_at) when sent_at is present and the source knows the
    arrival (Kinesis, a replay of raw/); event_ts otherwise (a plain JSONL replay)."""
    stamp = parse_ts(event["event_ts"])
    if corrects_clock and event.get("sent_at") is not None:
        stamp += arrival - parse_ts(event["sent_at"])
    return stamp


def is_reject(record: str, received_at: datetime | None = None, max_future_skew_ms: int = 900_000,
              corrects_clock: bool = False) -> bool:
    """True when the record breaks the event contract of DESIGN §3; with ``received_at`` (naive
    UTC, its arrival), also when its event time is more than the max future skew ahead of it."""
    if _breaks_contract(record):
        return True
    if received_at is None:
        return False
    stamp = event_time(json.loads(record), received_at, corrects_clock)
    return stamp - received_at > timedelta(milliseconds=max_future_skew_ms)


def _breaks_contract(record: str) -> bool:
    if len(record) > MAX_RECORD_CHARS:
        return True
    try:
        event = json.loads(record)
    except ValueError:
        return True
    if not isinstance(event, dict):
        return True
    for name, limit in MAX_CHARS.items():
        if isinstance(event.get(name), str) and len(event[name]) > limit:
            return True
    if event.get("title_id") == "":
        return True
    for name in REQUIRED_STRINGS:
        if not isinstance(event.get(name), str) or not event[name]:
            return True
    if event.get("schema_version") != 1 or isinstance(event.get("schema_version"), bool):
        return True
    if event["event_type"] not in EVENT_TYPES or event["device_type"] not in DEVICE_TYPES:
        return True
    if not re.fullmatch(r"[A-Z]{2}", event["country"]):
        return True
    if parse_ts(event["event_ts"]) is None:
        return True
    if event.get("sent_at") is not None and (not isinstance(event["sent_at"], str) or parse_ts(event["sent_at"]) is None):
        return True
    for name in ("title_id", "search_query", "app_version"):
        if event.get(name) is not None and not isinstance(event[name], str):
            return True
    position = event.get("position_ms")
    if position is not None and (isinstance(position, bool) or not isinstance(position, int)
                                 or not 0 <= position <= MAX_POSITION_MS):
        return True
    if event["event_type"] in PLAYBACK and (event.get("title_id") is None or position is None):
        return True
    if event["event_type"] == "search" and event.get("search_query") is None:
        return True
    return False


@dataclass
class Outcome:
    """What the contract says a stream of records becomes."""

    records_in: int = 0
    rejected: int = 0
    duplicates: int = 0  # records whose event_id came before (redeliveries), late_redeliveries included
    late_redeliveries: int = 0  # redeliveries after the dedup let their event_id go: also in ``late``
    late: list[dict] = field(default_factory=list)
    ontime: list[dict] = field(default_factory=list)  # each with "_time" and "_arrival"
    sessions: list[dict] = field(default_factory=list)
    title_windows: list[dict] = field(default_factory=list)


def evaluate(records: list[str], out_of_orderness_ms: int = 5000, gap_ms: int = 1_800_000,
             cap_ms: int = 120_000, received_at: datetime | None = None,
             max_future_skew_ms: int = 900_000, arrivals: list[datetime] | None = None,
             dedup_grace_ms: int = 60_000, corrects_clock: bool | None = None) -> Outcome:
    """Apply DESIGN §3-§5 to records in arrival order. Without ``arrivals`` they are a plain replay,
    all received at ``received_at`` (naive UTC; default: now, as a replay reads them), and keep
    their event_ts; with ``arrivals`` (one naive UTC time per record, as Kinesis stamps them) a
    record's sent_at corrects its event time (unless ``corrects_clock`` is False: records of a
    plain file replayed from a raw zone keep their stored arrival but no shard).

    A redelivery counts once while its event_id is remembered: until the watermark has passed the
    first arrival's event time by ``dedup_grace_ms``; after that it is judged like a new event
    (late, in practice). The clock behind the watermark advances by min(event time, arrival)."""
    received_at = received_at or datetime.now(timezone.utc).replace(tzinfo=None)
    corrects_clock = arrivals is not None if corrects_clock is None else corrects_clock
    outcome = Outcome(records_in=len(records))
    seen_ids: dict[str, datetime] = {}  # event_id -> event time of its first arrival
    max_seen: datetime | None = None
    grace = timedelta(milliseconds=dedup_grace_ms)
    for position, record in enumerate(records):
        arrival = arrivals[position] if arrivals is not None else received_at
        if is_reject(record, arrival, max_future_skew_ms, corrects_clock):
            # Only valid events move the watermark (DESIGN §4).
            outcome.rejected += 1
            continue
        event = json.loads(record)
        time = event_time(event, arrival, corrects_clock)
        watermark = None if max_seen is None else max_seen - timedelta(milliseconds=out_of_orderness_ms)
        first = seen_ids.get(event["event_id"])
        # the job's watermark is a millisecond behind max - out-of-orderness (an event exactly that far
        # behind is on time); it forgets an id once that watermark is past the id's time + grace
        if first is not None and (watermark is None or watermark - timedelta(milliseconds=1) <= first + grace):
            outcome.duplicates += 1
        else:
            if first is not None:
                outcome.duplicates += 1  # a redelivery the dedup let go: it goes to late/ as well
                outcome.late_redeliveries += 1
            seen_ids.setdefault(event["event_id"], time)
            behind = watermark is not None and time < watermark
            target = outcome.late if behind else outcome.ontime
            target.append({**event, "_time": time, "_arrival": position})
        clock = min(time, arrival)
        if max_seen is None or clock > max_seen:
            max_seen = clock
    _metrics(outcome, gap_ms, cap_ms)
    return outcome


def _ms(delta: timedelta) -> int:
    return delta.days * 86_400_000 + delta.seconds * 1000 + delta.microseconds // 1000


def _metrics(outcome: Outcome, gap_ms: int, cap_ms: int) -> None:
    by_key: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for event in outcome.ontime:
        by_key[(event["user_id"], event["device_id"])].append(event)
    for events in by_key.values():
        events.sort(key=lambda e: (e["_time"], e["_arrival"]))
        previous = None
        current: list[dict] = []
        for event in events:
            watched = 0
            if (previous is not None and previous["event_type"] in CREDITING
                    and event.get("title_id") is not None and event.get("title_id") == previous.get("title_id")
                    and _ms(event["_time"] - previous["_time"]) <= gap_ms):
                watched = min(_ms(event["_time"] - previous["_time"]), cap_ms)
            event["_watched_ms"] = watched
            if current and _ms(event["_time"] - current[-1]["_time"]) > gap_ms:
                outcome.sessions.append(_session(current))
                current = []
            current.append(event)
            previous = event
        outcome.sessions.append(_session(current))
    windows: dict[tuple[datetime, str], list[dict]] = defaultdict(list)
    for event in outcome.ontime:
        if event["event_type"] in PLAYBACK and event.get("title_id") is not None:
            start = event["_time"].replace(second=0, microsecond=0)
            start -= timedelta(minutes=start.minute % 5)
            windows[(start, event["title_id"])].append(event)
    for (start, title_id), events in windows.items():
        outcome.title_windows.append({
            "window_start": start,
            "window_end": start + timedelta(minutes=5),
            "title_id": title_id,
            "play_starts": sum(e["event_type"] == "play" for e in events),
            "unique_viewers": len({e["user_id"] for e in events}),
            "watch_time_ms": sum(e["_watched_ms"] for e in events),
            "dt": start.strftime("%Y-%m-%d"),
            "hr": start.strftime("%H"),
        })


def play_starts_1m(outcome: Outcome) -> list[dict]:
    """processed/play_starts_1m: on-time play events per (minute, country, device_type)."""
    counts: dict[tuple[datetime, str, str], int] = defaultdict(int)
    for event in outcome.ontime:
        if event["event_type"] == "play":
            minute = event["_time"].replace(second=0, microsecond=0)
            counts[(minute, event["country"], event["device_type"])] += 1
    return [{"window_start": minute, "window_end": minute + timedelta(minutes=1), "country": country,
             "device_type": device_type, "play_starts": n, "dt": minute.strftime("%Y-%m-%d"),
             "hr": minute.strftime("%H")} for (minute, country, device_type), n in counts.items()]


def _session(events: list[dict]) -> dict:
    first, last = events[0], events[-1]
    earliest = [e for e in events if e["_time"] == first["_time"]]
    start = first["_time"]
    return {
        "session_id": hashlib.md5(
            f"{first['user_id']}|{first['device_id']}|{start.strftime('%Y-%m-%d %H:%M:%S.%f')[:-3]}".encode()
        ).hexdigest(),
        "user_id": first["user_id"],
        "device_id": first["device_id"],
        "device_type": min(e["device_type"] for e in earliest),
        "country": min(e["country"] for e in earliest),
        "session_start": start,
        "session_end": last["_time"],
        "duration_ms": _ms(last["_time"] - start),
        "event_count": len(events),
        "play_count": sum(e["event_type"] == "play" for e in events),
        "titles_watched": len({e["title_id"] for e in events if e.get("title_id") is not None}),
        "watch_time_ms": sum(e["_watched_ms"] for e in events),
        "dt": start.strftime("%Y-%m-%d"),
        "hr": start.strftime("%H"),
    }


def utc(text: str) -> datetime:
    """Test helper: '2026-11-25T10:00:00Z' -> naive UTC datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc).replace(tzinfo=None)
