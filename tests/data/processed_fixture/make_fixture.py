"""Writes the fixture lake in this directory: processed/ as Flink 1.20 lays it out, plus reference/,
and raw/, dlq/ and late/ samples (zstd Parquet with the contract's columns, as the job writes them).
Deterministic; rerun it after changing it:

    .venv/bin/python tests/data/processed_fixture/make_fixture.py

What it exercises: three dts (the last with sessions but no playback, so an empty title day);
a session that starts before midnight and ends after it (it belongs to its start's dt); two titles
tied on watch time (rank by title_id); INT96 and INT64-millisecond timestamps side by side;
several part files per partition; ``_SUCCESS`` markers; and a hidden in-progress file full of
garbage that every reader must skip. In raw/: a record as received with a newline inside, a
redelivery, and a record from a plain-file replay (no shard, no sequence number).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
UTC = dt.timezone.utc
DEVICES = ("tv", "mobile", "tablet", "web", "console")
COUNTRIES = ("US", "DE", "BR")
TITLES = [
    ("t001", "The Long Night", "movie", "drama", 2019, 7_200_000),
    ("t002", "Harbor Lights S1E1", "series", "crime", 2021, 2_700_000),
    ("t003", "Harbor Lights S1E2", "series", "crime", 2021, 2_760_000),
    ("t004", "Quiet Planet", "movie", "documentary", 2016, 5_400_000),
    ("t005", "Laugh Track", "movie", "comedy", 2022, 5_700_000),
    ("t006", "Starfall S2E5", "series", "sci-fi", 2023, 3_000_000),
    ("t007", "Kitchen Wars S4E1", "series", "reality", 2020, 2_400_000),
    ("t008", "Never Watched", "movie", "horror", 2018, 6_000_000),
]
SESSION_TYPES = pa.schema(
    [
        ("session_id", pa.string()),
        ("user_id", pa.string()),
        ("device_id", pa.string()),
        ("device_type", pa.string()),
        ("country", pa.string()),
        ("session_start", pa.timestamp("ms", tz="UTC")),
        ("session_end", pa.timestamp("ms", tz="UTC")),
        ("duration_ms", pa.int64()),
        ("event_count", pa.int64()),
        ("play_count", pa.int64()),
        ("titles_watched", pa.int64()),
        ("watch_time_ms", pa.int64()),
    ]
)
WINDOW_TYPES = pa.schema(
    [
        ("window_start", pa.timestamp("ms", tz="UTC")),
        ("window_end", pa.timestamp("ms", tz="UTC")),
        ("title_id", pa.string()),
        ("play_starts", pa.int64()),
        ("unique_viewers", pa.int64()),
        ("watch_time_ms", pa.int64()),
    ]
)


def _users(rng: random.Random) -> list[dict]:
    users = []
    for n in range(1, 9):
        devices = [(f"d{n:02d}{k}", DEVICES[(n + k) % len(DEVICES)]) for k in range(1 + n % 2)]
        users.append({"user_id": f"u{n:03d}", "devices": devices, "country": COUNTRIES[n % len(COUNTRIES)]})
    return users


def _sessions(rng: random.Random) -> list[dict]:
    users = _users(rng)
    rows = []
    starts = [dt.datetime(2024, 3, 9, h, rng.randrange(60), rng.randrange(60), 1000 * rng.randrange(1000), UTC)
              for h in (0, 1, 7, 7, 7, 12, 18, 20, 21, 22)]
    starts += [dt.datetime(2024, 3, 10, h, rng.randrange(60), rng.randrange(60), 1000 * rng.randrange(1000), UTC)
               for h in (3, 7, 9, 9, 15, 19, 23)]
    for i, start in enumerate(starts):
        user = users[(i * 3) % len(users)]
        device_id, device_type = user["devices"][i % len(user["devices"])]
        duration = rng.randrange(0, 4 * 3_600_000)
        rows.append(_session(user, device_id, device_type, start, duration, rng))
    # Crosses midnight: starts on 03-09 (its dt), ends on 03-10.
    user = users[1]
    rows.append(_session(user, *user["devices"][0], dt.datetime(2024, 3, 9, 23, 50, 0, 0, UTC), 1_800_000, rng))
    # A single-event session (duration 0) and a browse-only day (no playback on 03-11).
    rows.append(_session(users[4], *users[4]["devices"][0], dt.datetime(2024, 3, 10, 9, 30, 0, 0, UTC), 0, rng))
    rows.append(_session(users[5], *users[5]["devices"][0], dt.datetime(2024, 3, 11, 8, 0, 0, 0, UTC), 90_000, rng,
                         playback=False))
    return rows


def _session(user, device_id, device_type, start, duration, rng, playback=True) -> dict:
    end = start + dt.timedelta(milliseconds=duration)
    events = 1 + duration // 60_000
    plays = min(events, rng.randrange(1, 4)) if playback else 0
    key = f"{user['user_id']}|{device_id}|{start.isoformat()}"
    return {
        "session_id": hashlib.sha256(key.encode()).hexdigest()[:32],
        "user_id": user["user_id"],
        "device_id": device_id,
        "device_type": device_type,
        "country": user["country"],
        "session_start": start,
        "session_end": end,
        "duration_ms": duration,
        "event_count": events,
        "play_count": plays,
        "titles_watched": min(plays, rng.randrange(1, 5)) if playback else 0,
        "watch_time_ms": rng.randrange(0, duration + 1) if playback else 0,
    }


def _windows(rng: random.Random) -> list[dict]:
    rows = []
    for day in (9, 10):
        for hour in (7, 9, 20, 21):
            for slot in rng.sample(range(12), 3):
                start = dt.datetime(2024, 3, day, hour, 5 * slot, tzinfo=UTC)
                for title in rng.sample([t[0] for t in TITLES[:7]], 3):
                    rows.append(
                        {
                            "window_start": start,
                            "window_end": start + dt.timedelta(minutes=5),
                            "title_id": title,
                            "play_starts": rng.randrange(0, 4),
                            "unique_viewers": rng.randrange(1, 6),
                            "watch_time_ms": rng.randrange(0, 300_001),
                        }
                    )
    # Two titles tied on 03-10's total watch time: rank decided by title_id.
    tie = dt.datetime(2024, 3, 10, 22, 0, tzinfo=UTC)
    totals = {}
    for row in rows:
        if row["window_start"].day == 10:
            totals[row["title_id"]] = totals.get(row["title_id"], 0) + row["watch_time_ms"]
    top = max(totals.values()) + 1_000_000
    for title in ("t006", "t003"):
        rows.append(
            {"window_start": tie, "window_end": tie + dt.timedelta(minutes=5), "title_id": title, "play_starts": 1,
             "unique_viewers": 2, "watch_time_ms": top - totals.get(title, 0)}
        )
    return rows


PROGRESS_TYPES = pa.schema([("window_start", pa.timestamp("ms", tz="UTC")), ("window_end", pa.timestamp("ms", tz="UTC")),
                            ("titles", pa.int64())])


def _progress(windows: list[dict]) -> list[dict]:
    """processed/stream_progress as the job publishes it: one row per window with playback."""
    titles: dict[dt.datetime, set] = {}
    for row in windows:
        titles.setdefault(row["window_start"], set()).add(row["title_id"])
    return [{"window_start": start, "window_end": start + dt.timedelta(minutes=5), "titles": len(ids)}
            for start, ids in sorted(titles.items())]


PLAY_START_TYPES = pa.schema([("window_start", pa.timestamp("ms", tz="UTC")),
                              ("window_end", pa.timestamp("ms", tz="UTC")), ("country", pa.string()),
                              ("device_type", pa.string()), ("play_starts", pa.int64())])


def _play_starts(rng: random.Random) -> list[dict]:
    """processed/play_starts_1m: a few busy minutes on 03-09 and 03-10, one row per (minute, country, device)."""
    rows = []
    for day, hour in ((9, 7), (9, 20), (10, 9), (10, 21)):
        for minute in sorted(rng.sample(range(60), 4)):
            start = dt.datetime(2024, 3, day, hour, minute, tzinfo=UTC)
            for country, device in rng.sample([(c, d) for c in COUNTRIES for d in DEVICES], 3):
                rows.append({"window_start": start, "window_end": start + dt.timedelta(minutes=1),
                             "country": country, "device_type": device, "play_starts": rng.randrange(1, 5)})
    return rows


def _write_partitioned(rows: list[dict], table: str, schema: pa.Schema, time_column: str) -> None:
    by_partition: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        moment = row[time_column]
        by_partition.setdefault((moment.strftime("%Y-%m-%d"), moment.strftime("%H")), []).append(row)
    for n, ((day, hour), part_rows) in enumerate(sorted(by_partition.items())):
        directory = HERE / "processed" / table / f"dt={day}" / f"hr={hour}"
        directory.mkdir(parents=True)
        halves = [part_rows[: (len(part_rows) + 1) // 2], part_rows[(len(part_rows) + 1) // 2:]]
        for k, half in enumerate(h for h in halves if h):
            # Flink writes INT96; alternate with INT64 millis so both encodings are read.
            int96 = (n + k) % 2 == 0
            pq.write_table(pa.Table.from_pylist(half, schema=schema), directory / f"part-{n:04d}-{k}",
                           use_deprecated_int96_timestamps=int96)
        (directory / "_SUCCESS").write_bytes(b"")
    hidden = HERE / "processed" / table / f"dt={min(d for d, _ in by_partition)}" / "hr=07"
    (hidden / ".part-9999-0.inprogress.0c1d").write_bytes(b"not parquet: a file Flink is still writing")


def _write_jsonl(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, separators=(",", ":")) + "\n" for r in records))


TIMESTAMP = pa.timestamp("ms", tz="UTC")
RAW_TYPES = pa.schema([("record", pa.string()), ("arrival", TIMESTAMP), ("shard_id", pa.string()),
                       ("sequence_number", pa.string())])
DLQ_TYPES = pa.schema([("raw", pa.string()), ("reason", pa.string()), ("received_at", TIMESTAMP),
                       ("shard_id", pa.string()), ("sequence_number", pa.string())])
LATE_TYPES = pa.schema([("event_id", pa.string()), ("event_type", pa.string()), ("event_ts", pa.string()),
                        ("user_id", pa.string()), ("device_id", pa.string()), ("device_type", pa.string()),
                        ("country", pa.string()), ("title_id", pa.string()), ("position_ms", pa.int64()),
                        ("search_query", pa.string()), ("app_version", pa.string()), ("sent_at", pa.string()),
                        ("schema_version", pa.int32()), ("received_at", TIMESTAMP)])
SHARD = "shardId-000000000000"


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _write_zone_file(path: Path, rows: list[dict], schema: pa.Schema, int96: bool) -> None:
    """One zstd Parquet file as the job writes raw/, dlq/ and late/ (Flink's TIMESTAMP(3) is INT96)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path, compression="zstd",
                   use_deprecated_int96_timestamps=int96)
    (path.parent / "_SUCCESS").write_bytes(b"")


def _side_zones() -> None:
    event = {"event_id": "5b0c8f0e-0000-4000-8000-000000000001", "event_type": "play",
             "event_ts": "2024-03-09T07:15:00.000Z", "user_id": "u001", "device_id": "d0010", "device_type": "mobile",
             "country": "DE", "title_id": "t001", "position_ms": 0, "app_version": "5.1.0",
             "sent_at": "2024-03-09T07:15:00.200Z", "schema_version": 1}
    browse = {**event, "event_id": "5b0c8f0e-0000-4000-8000-000000000002", "event_type": "search",
              "event_ts": "2024-03-09T07:14:00.000+01:00", "search_query": "harbor\nlights"}
    browse = {k: v for k, v in browse.items() if k not in ("title_id", "position_ms", "sent_at")}
    late_event = {**event, "event_id": "5b0c8f0e-0000-4000-8000-000000000003", "event_ts": "2024-03-09T07:00:00.000Z"}
    del late_event["sent_at"]
    # As received: the event twice (a redelivery, 2 s later), pretty-printed by its client (a newline
    # inside the record); the late event, which raw/ keeps too; the search from a replay of a plain
    # file (no shard, no sequence number).
    event_text = json.dumps(event, indent=1)
    _write_zone_file(HERE / "raw" / "dt=2024-03-09" / "hr=07" / "part-0000-0", [
        {"record": event_text, "arrival": _at("2024-03-09T07:15:00.400Z"), "shard_id": SHARD,
         "sequence_number": "49590338271490256608559692538361571095921575989136588802"},
        {"record": event_text, "arrival": _at("2024-03-09T07:15:02.400Z"), "shard_id": SHARD,
         "sequence_number": "49590338271490256608559692538361571095921575989136588803"},
        {"record": json.dumps(late_event, separators=(",", ":")), "arrival": _at("2024-03-09T07:20:00.000Z"),
         "shard_id": SHARD, "sequence_number": "49590338271490256608559692538361571095921575989136588805"},
    ], RAW_TYPES, int96=True)
    _write_zone_file(HERE / "raw" / "dt=2024-03-09" / "hr=06" / "part-0001-0", [
        {"record": json.dumps(browse, separators=(",", ":")), "arrival": _at("2024-03-09T06:14:00.300Z"),
         "shard_id": None, "sequence_number": None},
    ], RAW_TYPES, int96=False)
    _write_zone_file(HERE / "dlq" / "dt=2024-03-09" / "hr=07" / "part-0000-0", [
        {"raw": "{not json", "reason": "not valid JSON", "received_at": _at("2024-03-09T07:16:00.000Z"),
         "shard_id": SHARD, "sequence_number": "49590338271490256608559692538361571095921575989136588804"},
    ], DLQ_TYPES, int96=True)
    late = {**{name: None for name in LATE_TYPES.names}, **late_event, "received_at": _at("2024-03-09T07:20:00.000Z")}
    _write_zone_file(HERE / "late" / "dt=2024-03-09" / "hr=07" / "part-0000-0", [late], LATE_TYPES, int96=True)
    titles = [dict(zip(("title_id", "name", "kind", "genre", "release_year", "runtime_ms"), t)) for t in TITLES]
    _write_jsonl(HERE / "reference" / "dim_title.jsonl", titles)


def main() -> None:
    for zone in ("processed", "raw", "dlq", "late", "reference"):
        shutil.rmtree(HERE / zone, ignore_errors=True)
    rng = random.Random(20240309)
    _write_partitioned(_sessions(rng), "sessions", SESSION_TYPES, "session_start")
    windows = _windows(rng)
    _write_partitioned(windows, "title_watch_5m", WINDOW_TYPES, "window_start")
    _write_partitioned(_progress(windows), "stream_progress", PROGRESS_TYPES, "window_start")
    # Its own generator, so adding this table left the other tables' bytes unchanged.
    _write_partitioned(_play_starts(random.Random(20240310)), "play_starts_1m", PLAY_START_TYPES, "window_start")
    _side_zones()
    # The fixture stands for a bounded replay that finished: every dt in it is complete.
    marker = HERE / "processed" / "stream_progress" / "_END_OF_INPUT"
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps({"ended_at": "2024-03-12T00:00:00.000Z", "how": "bounded replay finished"}) + "\n")
    print(f"fixture lake written under {HERE}")


if __name__ == "__main__":
    main()
