"""Generated playback streams that sit on the edges of DESIGN §4, for the replay-vs-reference test.

Independent of the producer package: events of one key in the same millisecond, gaps of exactly
30:00.000, 29:59.999 and 30:00.001, gaps over the watch cap, title switches, search/browse in between, timestamps with offsets other than Z and
with 0-9 fractional digits, redeliveries, bounded out-of-order arrival and far-late events.
"""

from __future__ import annotations

import json
import random
import uuid
from datetime import datetime, timedelta

GAPS_MS = [0, 1, 999, 15_000, 60_000, 60_000, 60_000, 119_999, 120_000, 120_001, 300_000,
           1_799_999, 1_800_000, 1_800_001, 3_600_000]
OFFSETS = [timedelta(0), timedelta(hours=5, minutes=30), timedelta(hours=-8), timedelta(hours=1)]
PLAYBACK_AFTER = {"play": ["heartbeat", "pause", "seek", "stop"], "heartbeat": ["heartbeat", "heartbeat", "pause", "seek", "stop"],
                  "pause": ["resume", "stop"], "resume": ["heartbeat", "pause"], "seek": ["heartbeat", "play", "pause"],
                  "stop": ["search", "browse", "play"], "search": ["play", "browse"], "browse": ["play", "search"]}


def format_ts(moment: datetime, rng: random.Random) -> str:
    """An ISO-8601 text of ``moment`` (naive UTC) with a random offset and fraction style."""
    offset = rng.choice(OFFSETS)
    local = moment + offset
    base = local.strftime("%Y-%m-%dT%H:%M:%S")
    millis = moment.microsecond // 1000
    style = rng.random()
    if millis == 0 and style < 0.2:
        fraction = ""
    elif style < 0.8:
        fraction = f".{millis:03d}"
    else:
        fraction = f".{millis:03d}" + "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 6)))
    if offset == timedelta(0):
        zone = rng.choice(["Z", "+00:00"])
    else:
        minutes = int(offset.total_seconds() // 60)
        sign = "+" if minutes >= 0 else "-"
        zone = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return base + fraction + zone


def key_events(rng: random.Random, user: str, device: str, device_type: str, start: datetime, count: int,
               gaps_ms: list[int] = GAPS_MS) -> list[tuple[datetime, dict]]:
    titles = [f"title-{i:03d}" for i in range(12)]
    moment = start
    event_type = "browse"
    title = rng.choice(titles)
    out = []
    for _ in range(count):
        event_type = rng.choice(PLAYBACK_AFTER[event_type])
        if event_type == "play" and rng.random() < 0.4:
            title = rng.choice(titles)  # a title switch
        event = {"event_id": str(uuid.UUID(int=rng.getrandbits(128))), "event_type": event_type,
                 "user_id": user, "device_id": device, "device_type": device_type, "country": "US",
                 "schema_version": 1}
        if event_type in ("search", "browse"):
            if event_type == "search":
                event["search_query"] = rng.choice(["space", "comedy", "o'neil \"quoted\""])
        else:
            event["title_id"] = title
            event["position_ms"] = rng.randint(0, 5_000_000)
        if rng.random() < 0.3:
            event["app_version"] = "7.1.0"
        out.append((moment, event))
        moment += timedelta(milliseconds=rng.choice(gaps_ms) + rng.randint(0, 3) * rng.choice([0, 0, 1]))
    return out


def generate(seed: int = 7, keys: int = 24, events_per_key: int = 60, duplicates: float = 0.03,
             late: int = 6, max_disorder_ms: int = 4000, same_ms_ties: bool = True,
             far_redeliveries: int = 0) -> list[str]:
    """Records (JSON text) in arrival order. Without ``same_ms_ties`` no two events of a key share
    a millisecond (their order would depend on how a parallel job's exchanges interleave).

    A redelivery (``duplicates``, a share of the records) repeats a record sent less than 20 s of
    event time before, well within the dedup's grace (60 s); a far redelivery
    (``far_redeliveries``, a count) repeats one from the first half at a point in the second half,
    long after the dedup has let its event_id go."""
    gaps_ms = GAPS_MS if same_ms_ties else [gap for gap in GAPS_MS if gap > 0]
    rng = random.Random(seed)
    start = datetime(2026, 11, 20, 22, 50, 0)
    timeline: list[tuple[datetime, dict]] = []
    for k in range(keys):
        user = f"user-{k // 2:03d}"
        device = f"device-{k:03d}"
        timeline += key_events(rng, user, device, rng.choice(["tv", "mobile", "web"]),
                               start + timedelta(milliseconds=rng.randint(0, 600_000)), events_per_key, gaps_ms)
    timeline.sort(key=lambda item: item[0])
    # bounded disorder: swap disjoint neighbour pairs whose times differ by less than the bound
    i = 0
    while i < len(timeline) - 1:
        if rng.random() < 0.2 and (timeline[i + 1][0] - timeline[i][0]) < timedelta(milliseconds=max_disorder_ms):
            timeline[i], timeline[i + 1] = timeline[i + 1], timeline[i]
            i += 1
        i += 1
    records: list[str] = []
    sent: list[tuple[datetime, str]] = []
    newest = None
    for moment, event in timeline:
        event = {**event, "event_ts": format_ts(moment, rng)}
        records.append(json.dumps(event))
        sent.append((moment, records[-1]))
        newest = moment if newest is None or moment > newest else newest
        if rng.random() < duplicates:
            recent = [text for at, text in sent[-50:] if newest - at < timedelta(seconds=20)]
            records.append(rng.choice(recent))
    for _ in range(far_redeliveries):
        records.insert(rng.randint(len(records) * 3 // 4, len(records)), rng.choice(sent[: len(sent) // 4])[1])
    # far-late events: well behind the newest event at the point where they are inserted
    for n in range(late):
        at = rng.randint(len(records) // 2, len(records) - 1)
        stamp = datetime(2026, 11, 20, 22, 50, 0) + timedelta(seconds=n)
        event = {"event_id": f"late-{n}", "event_type": "heartbeat", "user_id": "user-late", "device_id": "device-late",
                 "device_type": "tv", "country": "DE", "title_id": "title-late", "position_ms": 1000 * n,
                 "schema_version": 1, "event_ts": stamp.strftime("%Y-%m-%dT%H:%M:%S.000Z")}
        records.insert(at, json.dumps(event))
    return records
