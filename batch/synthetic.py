"""A synthetic processed zone in the streaming job's layout, for measuring the batch and the load
at sizes the demo cannot easily reach (and for tests that want more than the small fixture).

``write_synthetic_lake(lake, sessions, days, seed)`` writes processed/sessions and
processed/title_watch_5m as Flink 1.20 does (INT96 timestamps, dt/hr directories, ``_SUCCESS``
markers) plus reference/dim_title.jsonl, and returns the dts written. The rows are internally
consistent (a title's watch time is the sum over the sessions that watched it) but are not derived
from events: this is load, not a metrics check.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import random
import zlib
from collections import defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

DEVICES = ("tv", "mobile", "tablet", "web", "console")
COUNTRIES = ("US", "GB", "DE", "FR", "BR", "IN", "JP", "CA", "MX", "ES")
GENRES = ("drama", "comedy", "crime", "sci-fi", "documentary", "reality", "kids", "horror")
WINDOW_MS = 300_000


@dataclasses.dataclass(frozen=True)
class SyntheticSize:
    sessions: int
    title_windows: int
    dts: tuple[str, ...]


def _catalog(rng: random.Random, titles: int) -> list[dict]:
    rows = []
    for n in range(titles):
        kind = "series" if n % 3 else "movie"
        rows.append({
            "title_id": f"t{n:05d}",
            "name": f"{'Series' if kind == 'series' else 'Movie'} {n}",
            "kind": kind,
            "genre": GENRES[n % len(GENRES)],
            "release_year": 1990 + n % 35,
            "runtime_ms": (20 + rng.randrange(100)) * 60_000,
        })
    return rows


def _write_partitions(base: Path, rows: list[dict], schema: pa.Schema, time_column: str) -> None:
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in rows:
        moment = row[time_column]
        groups[(moment.strftime("%Y-%m-%d"), moment.strftime("%H"))].append(row)
    for (day, hour), part in sorted(groups.items()):
        directory = base / f"dt={day}" / f"hr={hour}"
        directory.mkdir(parents=True, exist_ok=True)
        table = pa.Table.from_pylist(part, schema=schema)
        pq.write_table(table, directory / "part-00000000-0000-0000-0000-000000000000-0-0",
                       use_deprecated_int96_timestamps=True, compression="snappy")
        (directory / "_SUCCESS").write_bytes(b"")


def write_synthetic_lake(lake: Path, sessions: int, days: int = 2, seed: int = 7,
                         start: dt.date = dt.date(2026, 11, 20)) -> SyntheticSize:
    rng = random.Random(seed)
    users = max(10, sessions // 3)
    titles = _catalog(rng, max(20, min(2000, sessions // 15)))
    popular = [t["title_id"] for t in titles]
    weights = [1 / (k + 1) for k in range(len(popular))]
    origin = dt.datetime.combine(start, dt.time(), dt.timezone.utc)
    session_rows, windows = [], defaultdict(lambda: [0, set(), 0])
    for n in range(sessions):
        user = f"u{rng.randrange(users):06d}"
        device = DEVICES[zlib.crc32(user.encode()) % len(DEVICES)]
        begin = origin + dt.timedelta(days=rng.randrange(days), seconds=rng.randrange(86_400),
                                      milliseconds=rng.randrange(1000))
        duration = int(min(rng.lognormvariate(14.6, 1.0), 6 * 3_600_000))
        watched = rng.choices(popular, weights, k=rng.choice((1, 1, 1, 2, 3, 4)))
        watch_total, position = 0, begin
        remaining = duration
        for title in watched:
            span = remaining // len(watched) if len(watched) > 1 else remaining
            cursor = position
            while cursor < position + dt.timedelta(milliseconds=span):
                window = cursor.replace(minute=cursor.minute - cursor.minute % 5, second=0, microsecond=0)
                piece = min(WINDOW_MS, int((position + dt.timedelta(milliseconds=span) - cursor).total_seconds() * 1000))
                piece = min(piece, int((window + dt.timedelta(minutes=5) - cursor).total_seconds() * 1000))
                slot = windows[(window, title)]
                slot[0] += 1 if cursor == position else 0
                slot[1].add(user)
                slot[2] += piece
                watch_total += piece
                cursor += dt.timedelta(milliseconds=max(piece, 1))
            position += dt.timedelta(milliseconds=span)
        end = begin + dt.timedelta(milliseconds=duration)
        session_rows.append({
            "session_id": hashlib.sha256(f"{user}|{n}|{begin.isoformat()}".encode()).hexdigest()[:32],
            "user_id": user,
            "device_id": f"{user}-{device}",
            "device_type": device,
            "country": COUNTRIES[zlib.crc32(user.encode()) // 7 % len(COUNTRIES)],
            "session_start": begin,
            "session_end": end,
            "duration_ms": duration,
            "event_count": 2 + duration // 60_000,
            "play_count": len(watched),
            "titles_watched": len(set(watched)),
            "watch_time_ms": watch_total,
        })
    window_rows = [
        {"window_start": start_, "window_end": start_ + dt.timedelta(minutes=5), "title_id": title,
         "play_starts": plays, "unique_viewers": len(viewers), "watch_time_ms": watch}
        for (start_, title), (plays, viewers, watch) in windows.items()
    ]
    ts = pa.timestamp("ms", tz="UTC")
    _write_partitions(lake / "processed" / "sessions", session_rows, pa.schema([
        ("session_id", pa.string()), ("user_id", pa.string()), ("device_id", pa.string()),
        ("device_type", pa.string()), ("country", pa.string()), ("session_start", ts), ("session_end", ts),
        ("duration_ms", pa.int64()), ("event_count", pa.int64()), ("play_count", pa.int64()),
        ("titles_watched", pa.int64()), ("watch_time_ms", pa.int64()),
    ]), "session_start")
    _write_partitions(lake / "processed" / "title_watch_5m", window_rows, pa.schema([
        ("window_start", ts), ("window_end", ts), ("title_id", pa.string()), ("play_starts", pa.int64()),
        ("unique_viewers", pa.int64()), ("watch_time_ms", pa.int64()),
    ]), "window_start")
    reference = lake / "reference"
    reference.mkdir(parents=True, exist_ok=True)
    (reference / "dim_title.jsonl").write_text("".join(json.dumps(t) + "\n" for t in titles), encoding="utf-8")
    dts = sorted({r["session_start"].strftime("%Y-%m-%d") for r in session_rows}
                 | {r["window_start"].strftime("%Y-%m-%d") for r in window_rows})
    return SyntheticSize(sessions=len(session_rows), title_windows=len(window_rows), dts=tuple(dts))
