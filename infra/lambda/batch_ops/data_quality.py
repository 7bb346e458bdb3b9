"""Lambda: the data-quality check of one day, the last step of the daily batch.

One Athena query (``data_quality.sql``) measures the day; ``evaluate`` turns the measures into
failures: an empty table, a DLQ ratio over the threshold, curated totals that differ from processed
totals. Any failure raises ``DataQualityError`` (the state machine catches it and alerts); a clean
day returns the measures.

Environment: ATHENA_WORKGROUP, GLUE_DATABASE, MAX_DLQ_RATIO (e.g. 0.01), optional QUERY_TIMEOUT_SECONDS.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import time
from pathlib import Path
from typing import Any, Callable, Mapping

QUERY_FILE = Path(__file__).with_name("data_quality.sql")
_DT = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# Tables that must hold at least one row for the day.
NON_EMPTY = (
    "raw_events",
    "sessions",
    "title_windows",
    "user_engagement_rows",
    "title_popularity_rows",
    "device_summary_rows",
    "dim_title_rows",
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


class AthenaQueryNotFinished(RuntimeError):
    """The query did not finish within the function's budget (the state machine retries)."""


class AthenaQueryFailed(RuntimeError):
    """Athena reported FAILED or CANCELLED."""


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
    lines = QUERY_FILE.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.lstrip().startswith("--"))


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
    execution = athena.start_query_execution(
        QueryString=sql,
        QueryExecutionContext={"Database": database},
        WorkGroup=workgroup,
        ExecutionParameters=[f"'{dt}'"] * sql.count("?"),
    )
    query_id = execution["QueryExecutionId"]
    deadline = time.monotonic() + timeout_seconds
    delay = 0.5
    while True:
        status = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]["Status"]
        state = status["State"]
        if state == "SUCCEEDED":
            break
        if state in ("FAILED", "CANCELLED"):
            raise AthenaQueryFailed(f"Athena query {query_id} {state}: {status.get('StateChangeReason', '')}")
        if time.monotonic() > deadline:
            raise AthenaQueryNotFinished(f"Athena query {query_id} still {state} after {timeout_seconds:.0f} s")
        sleep(delay)
        delay = min(delay * 2, 5.0)
    rows = athena.get_query_results(QueryExecutionId=query_id)["ResultSet"]["Rows"]
    if len(rows) != 2:
        raise AthenaQueryFailed(f"Athena query {query_id} returned {len(rows) - 1} rows, expected 1")
    header = [cell.get("VarCharValue", "") for cell in rows[0]["Data"]]
    values = [cell.get("VarCharValue", "0") for cell in rows[1]["Data"]]
    return {name: int(value) for name, value in zip(header, values)}


def handler(event: dict[str, Any], context: Any = None, athena: Any = None) -> dict[str, Any]:
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
    return {"dt": dt, "passed": True, "measures": measures}
