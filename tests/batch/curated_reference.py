"""A plain-Python reference of the curated tables (DESIGN §5), independent of Spark and SQL:
it walks the lake directories itself, reads each Parquet file with pyarrow into dicts, and
aggregates with loops. Tests load it by path (see ``load_reference`` in the conftest files).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import defaultdict
from pathlib import Path

import pyarrow.parquet as pq


def _utc_naive(value):
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


def read_partitioned(base: Path) -> list[dict]:
    """Every row under ``base`` with its dt/hr (strings) taken from the directory names; files and
    directories whose names start with '_' or '.' are skipped."""
    rows = []
    for directory, subdirs, files in os.walk(base):
        subdirs[:] = [d for d in subdirs if not d.startswith(("_", "."))]
        keys = {}
        for part in Path(directory).relative_to(base).parts:
            name, _, value = part.partition("=")
            keys[name] = value
        for file in sorted(files):
            if file.startswith(("_", ".")):
                continue
            for row in pq.read_table(Path(directory) / file).to_pylist():
                rows.append({**{k: _utc_naive(v) for k, v in row.items()}, **keys})
    return rows


def sessions_of(lake: Path, day: str) -> list[dict]:
    return [r for r in read_partitioned(lake / "processed" / "sessions") if r["dt"] == day]


def windows_of(lake: Path, day: str) -> list[dict]:
    return [r for r in read_partitioned(lake / "processed" / "title_watch_5m") if r["dt"] == day]


def daily_user_engagement(lake: Path, day: str) -> dict[str, dict]:
    by_user: dict[str, list[dict]] = defaultdict(list)
    for session in sessions_of(lake, day):
        by_user[session["user_id"]].append(session)
    result = {}
    for user, sessions in by_user.items():
        result[user] = {
            "user_id": user,
            "sessions": len(sessions),
            "devices": len({s["device_id"] for s in sessions}),
            "watch_time_ms": sum(s["watch_time_ms"] for s in sessions),
            "total_session_ms": sum(s["duration_ms"] for s in sessions),
            "first_session_start": min(s["session_start"] for s in sessions),
            "last_session_end": max(s["session_end"] for s in sessions),
        }
    return result


def daily_title_popularity(lake: Path, day: str) -> dict[str, dict]:
    by_title: dict[str, list[dict]] = defaultdict(list)
    for window in windows_of(lake, day):
        by_title[window["title_id"]].append(window)
    rows = [
        {
            "title_id": title,
            "play_starts": sum(w["play_starts"] for w in windows),
            "watch_time_ms": sum(w["watch_time_ms"] for w in windows),
            "peak_5m_viewers": max(w["unique_viewers"] for w in windows),
        }
        for title, windows in by_title.items()
    ]
    rows.sort(key=lambda r: (-r["watch_time_ms"], r["title_id"]))
    for rank, row in enumerate(rows, start=1):
        row["watch_rank"] = rank
    return {r["title_id"]: r for r in rows}


def daily_device_summary(lake: Path, day: str) -> dict[tuple[str, str], dict]:
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for session in sessions_of(lake, day):
        groups[(session["device_type"], session["country"])].append(session)
    return {
        key: {
            "device_type": key[0],
            "country": key[1],
            "sessions": len(sessions),
            "users": len({s["user_id"] for s in sessions}),
            "watch_time_ms": sum(s["watch_time_ms"] for s in sessions),
            "avg_session_ms": sum(s["duration_ms"] for s in sessions) / len(sessions),
        }
        for key, sessions in groups.items()
    }


def dim_title(lake: Path) -> dict[str, dict]:
    lines = (lake / "reference" / "dim_title.jsonl").read_text(encoding="utf-8").splitlines()
    return {row["title_id"]: row for row in map(json.loads, filter(None, lines))}


def curated_rows(lake: Path, table: str, day: str) -> list[dict]:
    """What the batch wrote for one dt: the rows of curated/<table>/dt=<day>/ (no dt column inside)."""
    return read_partitioned(lake / "curated" / table / f"dt={day}")


KEYS = {
    "daily_user_engagement": ("user_id",),
    "daily_title_popularity": ("title_id",),
    "daily_device_summary": ("device_type", "country"),
    "dim_title": ("title_id",),
}


def expected(lake: Path, table: str, day: str) -> dict:
    if table == "daily_user_engagement":
        return daily_user_engagement(lake, day)
    if table == "daily_title_popularity":
        return daily_title_popularity(lake, day)
    if table == "daily_device_summary":
        return daily_device_summary(lake, day)
    return dim_title(lake)


def keyed(table: str, rows: list[dict]) -> dict:
    key = KEYS[table]
    return {(row[key[0]] if len(key) == 1 else tuple(row[k] for k in key)): row for row in rows}
