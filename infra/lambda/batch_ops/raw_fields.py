"""Fields the event contract does not know, in a day of the raw zone (schema drift).

``raw/dt=D/hr=HH/`` holds every valid record exactly as received (JSON lines), so a field a client
started sending shows there. A day can be large: at most ``max_bytes`` are read, spread over the
day's hours (each hour's files in order, whole lines only), which finds any field that more than a
small fraction of the records carry. Files whose names start with ``_`` or ``.`` are not data.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from typing import Any, Iterable, Protocol
from urllib.parse import urlparse

from batch.event_contract import EVENT_FIELDS

DEFAULT_SAMPLE_BYTES = 32 * 1024 * 1024
EXAMPLES = 10


class RawReader(Protocol):
    def hour_files(self, dt: str) -> dict[str, list[str]]: ...  # hr -> data file keys, in order

    def head(self, key: str, max_bytes: int) -> bytes: ...


@dataclasses.dataclass(frozen=True)
class Drift:
    dt: str
    records: int
    unknown_fields: dict[str, int]  # field -> records (of those read) that carry it

    def message(self) -> str:
        if not self.unknown_fields:
            return f"dt={self.dt}: no unknown field in {self.records} raw records read"
        listed = ", ".join(f"{name} ({count} records)" for name, count in sorted(self.unknown_fields.items()))
        return (f"dt={self.dt}: clients send fields the event contract does not know: {listed}, in "
                f"{self.records} raw records read. The job ignores them; add them to the contract "
                "(docs/contract.md) if they are meant to stay.")


def unknown_fields(lines: Iterable[bytes]) -> tuple[int, Counter]:
    """(records read, Counter of unknown top-level fields) of JSON lines; non-objects are skipped."""
    known = set(EVENT_FIELDS)
    seen: Counter = Counter()
    records = 0
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if not isinstance(record, dict):
            continue
        records += 1
        seen.update(key for key in record if key not in known)
    return records, seen


def unknown_fields_of_day(reader: RawReader, dt: str, max_bytes: int = DEFAULT_SAMPLE_BYTES) -> Drift:
    hours = reader.hour_files(dt)
    per_hour = max_bytes // max(1, len(hours))
    records, seen = 0, Counter()
    for hour in sorted(hours):
        budget = per_hour
        for key in hours[hour]:
            if budget <= 0:
                break
            data = reader.head(key, budget)
            budget -= len(data)
            lines = data.split(b"\n")
            if budget <= 0 and not data.endswith(b"\n"):
                lines = lines[:-1]  # the read stopped inside a line
            count, fields = unknown_fields(line for line in lines if line.strip())
            records += count
            seen.update(fields)
    return Drift(dt=dt, records=records, unknown_fields=dict(seen.most_common()))


class S3RawReader:
    """The raw zone under ``s3://bucket[/prefix]``."""

    def __init__(self, lake_uri: str, client: Any = None) -> None:
        parsed = urlparse(lake_uri)
        if parsed.scheme != "s3":
            raise ValueError(f"LAKE_URI must be s3://bucket[/prefix], got {lake_uri!r}")
        self.bucket = parsed.netloc
        self.prefix = "/".join(p for p in (parsed.path.strip("/"), "raw") if p)
        if client is None:
            import boto3

            client = boto3.client("s3")
        self.client = client

    def hour_files(self, dt: str) -> dict[str, list[str]]:
        prefix = f"{self.prefix}/dt={dt}/"
        hours: dict[str, list[str]] = {}
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                parts = item["Key"][len(prefix):].split("/")
                if item["Key"].endswith("/") or any(p.startswith(("_", ".")) for p in parts):
                    continue
                hour = parts[0][3:] if parts[0].startswith("hr=") else ""
                hours.setdefault(hour, []).append(item["Key"])
        return {hour: sorted(keys) for hour, keys in hours.items()}

    def head(self, key: str, max_bytes: int) -> bytes:
        body = self.client.get_object(Bucket=self.bucket, Key=key, Range=f"bytes=0-{max_bytes - 1}")["Body"]
        return body.read()
