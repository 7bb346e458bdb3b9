"""Lambda: the data-quality check of one day, run after the Glue jobs and BEFORE the Redshift load,
so a bad day never reaches the warehouse.

One Athena query (``data_quality.sql``) measures the day; ``evaluate`` turns the measures into
failures: an empty table, a DLQ ratio over the threshold, curated totals that differ from processed
totals. Any failure raises ``DataQualityError`` (the state machine catches it and alerts); a clean
day returns the measures. dim_title is optional input (DESIGN §5), so its row count is reported,
not required. The raw and DLQ counts are ``count(*)`` over Parquet, which Athena answers from the
files' footers: the day's 10 TiB of raw records at 50 million viewers cost it a few MiB of scan.

It also reports schema drift: the top-level fields of the day's raw records that the event contract
does not know, in a sample of files whose sizes add up to at most RAW_SAMPLE_BYTES (``raw_fields``,
a second, bounded Athena query). Those are no failure -- the job ignores unknown fields -- but
``has_unknown_fields`` lets the workflow tell the team.

Environment: ATHENA_WORKGROUP, GLUE_DATABASE, MAX_DLQ_RATIO (e.g. 0.01), LAKE_URI (s3://bucket),
optional QUERY_TIMEOUT_SECONDS (per query) and RAW_SAMPLE_BYTES (default 256 MiB).
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import time
from pathlib import Path
from typing import Any, Callable, Mapping

from athena_query import AthenaQueryFailed, AthenaQueryNotFinished, run_query as run_athena_query, without_comments

__all__ = ["AthenaQueryFailed", "AthenaQueryNotFinished", "DataQualityError", "evaluate", "handler", "run_query"]
QUERY_FILE = Path(__file__).with_name("data_quality.sql")
_DT = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# Tables that must hold at least one row for the day (dim_title is optional input: not here).
NON_EMPTY = (
    "raw_events",
    "sessions",
    "title_windows",
    "user_engagement_rows",
    "title_popularity_rows",
    "device_summary_rows",
)
# (curated measure, processed measure) pairs that must be equal.
EQUAL_TOTALS = (
    ("user_engagement_sessions", "sessions"),
    ("user_engagement_watch_time_ms", "sessions_watch_time_ms"),
    ("device_summary_sessions", "sessions"),
    ("device_summary_watch_time_ms", "sessions_watch_time_ms"),
    ("title_popularity_watch_time_ms", "title_windows_watch_time_ms"),
)


class DataQualityError(RuntimeError):
    """The day failed at least one check; the message lists every failure as JSON."""



@dataclasses.dataclass(frozen=True)
class Failure:
    check: str
    detail: str


def evaluate(measures: Mapping[str, int], max_dlq_ratio: float) -> list[Failure]:
    """Every failed check of one day's measures (empty list: the day is good)."""
    failures = [Failure("non_empty", f"{name} is 0") for name in NON_EMPTY if measures[name] <= 0]
    received = measures["raw_events"] + measures["dlq_records"]
    if received > 0:
        ratio = measures["dlq_records"] / received
        if ratio > max_dlq_ratio:
            failures.append(Failure("dlq_ratio", f"{ratio:.4f} of the day's records went to the DLQ (max {max_dlq_ratio})"))
    for curated, processed in EQUAL_TOTALS:
        if measures[curated] != measures[processed]:
            failures.append(Failure("totals", f"{curated}={measures[curated]} but {processed}={measures[processed]}"))
    return failures


def query_text() -> str:
    """The measuring query without its comment lines (a ``?`` in a comment is no parameter)."""
    return without_comments(QUERY_FILE.read_text(encoding="utf-8"))


def run_query(
    athena: Any,
    sql: str,
    dt: str,
    database: str,
    workgroup: str,
    timeout_seconds: float = 240.0,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, int]:
    """Run the measuring query for ``dt`` and return its single row as ints."""
    if not _DT.match(dt):
        raise ValueError(f"dt must be YYYY-MM-DD, got {dt!r}")
    rows = run_athena_query(athena, sql, [f"'{dt}'"] * sql.count("?"), database, workgroup, timeout_seconds, sleep)
    if len(rows) != 1:
        raise AthenaQueryFailed(f"the quality query returned {len(rows)} rows, expected 1")
    return {name: int(value or 0) for name, value in rows[0].items()}


def handler(event: dict[str, Any], context: Any = None, athena: Any = None, s3: Any = None) -> dict[str, Any]:
    import raw_fields

    if athena is None:
        import boto3

        athena = boto3.client("athena")
    dt = event["dt"]
    max_ratio = float(os.environ.get("MAX_DLQ_RATIO", "0.01"))
    measures = run_query(
        athena,
        query_text(),
        dt,
        database=os.environ["GLUE_DATABASE"],
        workgroup=os.environ["ATHENA_WORKGROUP"],
        timeout_seconds=float(os.environ.get("QUERY_TIMEOUT_SECONDS", "240")),
    )
    failures = evaluate(measures, max_ratio)
    if failures:
        raise DataQualityError(json.dumps({"dt": dt, "failures": [dataclasses.asdict(f) for f in failures], "measures": measures}))
    drift = raw_fields.unknown_fields_of_day(
        athena, raw_fields.S3RawListing(os.environ["LAKE_URI"], s3), dt,
        database=os.environ["GLUE_DATABASE"],
        workgroup=os.environ["ATHENA_WORKGROUP"],
        max_bytes=int(os.environ.get("RAW_SAMPLE_BYTES", str(raw_fields.DEFAULT_SAMPLE_BYTES))),
        timeout_seconds=float(os.environ.get("QUERY_TIMEOUT_SECONDS", "240")),
    )
    return {"dt": dt, "passed": True, "measures": measures, "unknown_fields": drift.unknown_fields,
            "has_unknown_fields": bool(drift.unknown_fields), "raw_records_sampled": drift.records,
            "raw_files_sampled": drift.files, "raw_bytes_sampled": drift.bytes,
            "unknown_fields_message": drift.message()}
