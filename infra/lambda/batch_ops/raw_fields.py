"""Fields the event contract does not know, in a bounded sample of a day of the raw zone (schema drift).

raw/ holds every valid record exactly as received, as the ``record`` column (the JSON text) of zstd
Parquet files, so a field a client started sending shows there. A day is far too big to read whole
(about 10 TiB of JSON at 50 million viewers), so the check reads a sample, bounded before anything
is read:

1. the day's S3 listing (data files only: names starting with ``_`` or ``.`` are not data) gives
   each file's size;
2. ``choose_sample`` takes at most one file per hour, each the largest of its hour within the
   hour's share of ``max_bytes`` (or the hour's smallest while the total still fits), so the files'
   sizes add up to at most ``max_bytes`` and the sample spreads over the day;
3. one Athena query (``raw_sample_fields.sql``) reads the ``record`` column of those files only
   (``"$path"`` names them; the partition filter and the file filter prune the rest, so what it
   scans is at most their size), parses each record and returns, per top-level field, how many
   sampled records carry it, and the number of records sampled: a few rows, whatever the sample.

Why an Athena query rather than reading the Parquet files in the Lambda: pyarrow is a compiled
package that the bundle cannot vendor (it is built platform-free and stands alone: boto3 and the
bundle are all the Lambda has), and the AWS SDK for pandas layer that provides it is published
under a different ARN and version in every region (a stack parameter no default could fill for
all regions); Athena already reads this lake for the day's counts, through the same catalog
table, with the same role. The bound is on bytes (``RAW_SAMPLE_BYTES``), checked before the query
starts, well under the workgroup's 10 GiB per-query cutoff. A field that more than a small
fraction of the day's records carry is found.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Callable, Protocol
from urllib.parse import urlparse

from athena_query import run_query, without_comments
from batch.event_contract import EVENT_FIELDS

# 256 MiB: 2.5 % of the workgroup's 10 GiB cutoff, and about 10 MiB an hour -- one data file of an
# hour at 50 million viewers, when the job commits a file per instance a minute.
DEFAULT_SAMPLE_BYTES = 256 * 1024 * 1024
SAMPLE_QUERY = Path(__file__).with_name("raw_sample_fields.sql")
PATH_SLOTS = 24  # the "$path" placeholders of the query: one file per hour of a day at most


@dataclasses.dataclass(frozen=True)
class DataFile:
    key: str
    size: int


class RawListing(Protocol):
    def hour_files(self, dt: str) -> dict[str, list[DataFile]]: ...  # hr -> data files, in key order

    def uri(self, key: str) -> str: ...  # what Athena's "$path" says of that file


@dataclasses.dataclass(frozen=True)
class Drift:
    dt: str
    records: int  # records sampled
    unknown_fields: dict[str, int]  # field -> records (of those sampled) that carry it
    files: int = 0
    bytes: int = 0  # size of the files sampled: at most what the query could scan

    def message(self) -> str:
        read = f"{self.records} raw records sampled from {self.files} files ({self.bytes / 2**20:.1f} MiB)"
        if not self.unknown_fields:
            return f"dt={self.dt}: no unknown field in {read}"
        listed = ", ".join(f"{name} ({count} records)" for name, count in sorted(self.unknown_fields.items()))
        return (f"dt={self.dt}: clients send fields the event contract does not know: {listed}, in "
                f"{read}. The job ignores them; add them to the contract "
                "(docs/contract.md) if they are meant to stay.")


def choose_sample(hours: dict[str, list[DataFile]], max_bytes: int) -> list[DataFile]:
    """At most one file per hour, sizes adding up to at most ``max_bytes`` (see the module docstring)."""
    if not hours:
        return []
    share = max_bytes // len(hours)
    chosen: list[DataFile] = []
    total = 0
    for hour in sorted(hours):
        files = [file for file in hours[hour] if file.size > 0]
        if not files:
            continue
        fitting = [file for file in files if file.size <= share]
        pick = max(fitting, key=lambda file: file.size) if fitting else min(files, key=lambda file: file.size)
        if total + pick.size <= max_bytes:
            chosen.append(pick)
            total += pick.size
    return chosen[:PATH_SLOTS]


def sample_parameters(dt: str, uris: list[str]) -> list[str]:
    """The query's execution parameters: the dt, then a path for every slot (the last one repeated
    to fill them; a repeat in an IN list changes nothing). Values are quoted literals."""
    if not uris:
        raise ValueError("a sample needs at least one file")
    slots = (uris + [uris[-1]] * PATH_SLOTS)[:PATH_SLOTS]
    return [_literal(dt)] + [_literal(uri) for uri in slots]


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def unknown_fields_of_day(athena: Any, listing: RawListing, dt: str, database: str, workgroup: str,
                          max_bytes: int = DEFAULT_SAMPLE_BYTES, timeout_seconds: float = 240.0,
                          sleep: Callable[[float], None] | None = None) -> Drift:
    sample = choose_sample(listing.hour_files(dt), max_bytes)
    if not sample:
        return Drift(dt=dt, records=0, unknown_fields={})
    sql = without_comments(SAMPLE_QUERY.read_text(encoding="utf-8"))
    extra = {} if sleep is None else {"sleep": sleep}
    rows = run_query(athena, sql, sample_parameters(dt, [listing.uri(file.key) for file in sample]), database,
                     workgroup, timeout_seconds, **extra)
    known = set(EVENT_FIELDS)
    counts = {row["field_name"]: int(row["records"] or 0) for row in rows if row.get("field_name") is not None}
    unknown = {field: n for field, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
               if field not in known}
    records = max((int(row["sampled_records"] or 0) for row in rows), default=0)
    return Drift(dt=dt, records=records, unknown_fields=unknown, files=len(sample),
                 bytes=sum(file.size for file in sample))


class S3RawListing:
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

    def hour_files(self, dt: str) -> dict[str, list[DataFile]]:
        prefix = f"{self.prefix}/dt={dt}/"
        hours: dict[str, list[DataFile]] = {}
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                parts = item["Key"][len(prefix):].split("/")
                if item["Key"].endswith("/") or any(p.startswith(("_", ".")) for p in parts):
                    continue
                hour = parts[0][3:] if parts[0].startswith("hr=") else ""
                hours.setdefault(hour, []).append(DataFile(item["Key"], int(item["Size"])))
        return {hour: sorted(files, key=lambda file: file.key) for hour, files in hours.items()}

    def uri(self, key: str) -> str:
        return f"s3://{self.bucket}/{key}"
