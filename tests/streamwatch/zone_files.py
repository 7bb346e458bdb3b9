"""Parquet files of the raw/, dlq/ and late/ zones with the contract's columns, for tests that
build a small lake by hand. Timestamps are given as ISO strings (UTC) and written as
``timestamp[ms, UTC]``, the encoding a pyarrow fixture uses (Flink's own is INT96)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

TIMESTAMP = pa.timestamp("ms", tz="UTC")
RAW_SCHEMA = pa.schema([("record", pa.string()), ("arrival", TIMESTAMP), ("shard_id", pa.string()),
                        ("sequence_number", pa.string())])
DLQ_SCHEMA = pa.schema([("raw", pa.string()), ("reason", pa.string()), ("received_at", TIMESTAMP),
                        ("shard_id", pa.string()), ("sequence_number", pa.string())])
LATE_SCHEMA = pa.schema([("event_id", pa.string()), ("event_type", pa.string()), ("event_ts", pa.string()),
                         ("user_id", pa.string()), ("device_id", pa.string()), ("device_type", pa.string()),
                         ("country", pa.string()), ("title_id", pa.string()), ("position_ms", pa.int64()),
                         ("search_query", pa.string()), ("app_version", pa.string()), ("sent_at", pa.string()),
                         ("schema_version", pa.int32()), ("received_at", TIMESTAMP)])


def instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(dt.timezone.utc)


def write_raw(path: Path, rows: list[tuple], int96: bool = False) -> Path:
    """``rows``: (record text, arrival, shard_id, sequence_number); ``int96`` writes the arrival as
    Flink does (INT96, read back as ``timestamp[ns]`` without a zone)."""
    return _write(path, RAW_SCHEMA, [
        {"record": record, "arrival": instant(arrival), "shard_id": shard, "sequence_number": sequence}
        for record, arrival, shard, sequence in rows], int96)


def write_dlq(path: Path, rows: list[tuple]) -> Path:
    """``rows``: (raw text, reason, received_at)."""
    return _write(path, DLQ_SCHEMA, [
        {"raw": raw, "reason": reason, "received_at": instant(received), "shard_id": "shardId-000000000000",
         "sequence_number": "1"} for raw, reason, received in rows])


def write_late(path: Path, events: list[dict]) -> Path:
    """``events``: the event's fields with ``received_at`` (ISO); absent fields are null."""
    rows = [{name: (instant(event[name]) if name == "received_at" else event.get(name))
             for name in LATE_SCHEMA.names} for event in events]
    return _write(path, LATE_SCHEMA, rows)


def _write(path: Path, schema: pa.Schema, rows: list[dict], int96: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path, compression="zstd",
                   use_deprecated_int96_timestamps=int96)
    return path
