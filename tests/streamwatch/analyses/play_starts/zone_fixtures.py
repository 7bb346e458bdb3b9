"""Test helpers: ``processed/play_starts_1m`` built in plain Python from producer events, written the
way the streaming job lays it out (Parquet, INT96 timestamps in UTC, Hive partitions dt=/hr= of
window_start, several part files, a ``_SUCCESS`` marker and a hidden in-progress file of garbage).

Independent of the code under test: the counting follows the contract (one row per minute, country
and device type with at least one ``play``), not streamwatch.analyses.play_starts.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

UTC = dt.timezone.utc
Key = tuple[dt.datetime, str, str]  # (window_start, country, device_type)


def minute_of(event_ts: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(event_ts).astimezone(UTC)
    return moment.replace(second=0, microsecond=0)


def play_starts(events: Iterable[Mapping]) -> Counter[Key]:
    """Play events per (minute, country, device_type): the rows of the zone."""
    counts: Counter[Key] = Counter()
    for event in events:
        if event["event_type"] == "play":
            counts[(minute_of(event["event_ts"]), event["country"], event["device_type"])] += 1
    return counts


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def write_zone(lake: Path, rows: Mapping[Key, int], *, parts: int = 2) -> Path:
    """Write ``rows`` under ``lake/processed/play_starts_1m`` and return the zone's directory."""
    zone = lake / "processed" / "play_starts_1m"
    by_hour: dict[dt.datetime, list[tuple[Key, int]]] = {}
    for key, count in sorted(rows.items()):
        by_hour.setdefault(key[0].replace(minute=0), []).append((key, count))
    for hour, items in by_hour.items():
        directory = zone / f"dt={hour:%Y-%m-%d}" / f"hr={hour:%H}"
        directory.mkdir(parents=True, exist_ok=True)
        for part in range(parts):
            chunk = items[part::parts]
            if not chunk:
                continue
            table = pa.table({
                # Flink's Parquet writer stores TIMESTAMP(3) as INT96 holding UTC, read back without a zone
                "window_start": pa.array([k[0].replace(tzinfo=None) for k, _ in chunk], pa.timestamp("ms")),
                "window_end": pa.array([k[0].replace(tzinfo=None) + dt.timedelta(minutes=1) for k, _ in chunk],
                                       pa.timestamp("ms")),
                "country": [k[1] for k, _ in chunk],
                "device_type": [k[2] for k, _ in chunk],
                "play_starts": pa.array([c for _, c in chunk], pa.int64()),
            })
            pq.write_table(table, directory / f"part-{part:04d}-0", use_deprecated_int96_timestamps=True)
        (directory / "_SUCCESS").write_text("")
        (directory / ".part-9999-0.inprogress.0c1d").write_bytes(b"not parquet at all")
    return zone


def totals(rows: Mapping[Key, int], country: str | None = None) -> dict[dt.datetime, int]:
    """Play starts per minute (of one country, or all), minutes without a play left out."""
    found: Counter[dt.datetime] = Counter()
    for (minute, row_country, _), count in rows.items():
        if country is None or row_country == country:
            found[minute] += count
    return dict(found)
