"""Lambda: has the stream finished a day? The workflow's wait before it builds anything.

The rule is ``batch.completeness`` (bundled, the same module ``streamwatch batch`` uses): dt D is
complete once ``processed/stream_progress/_END_OF_INPUT`` exists or the newest published window
ends at or after D + 1 day + the session gap. The newest window end comes from one Athena query
over the ``stream_progress`` table (``stream_progress.sql``), the marker from S3.

Event ``{"dt": "YYYY-MM-DD", "attempt": n}`` (attempt 0 on the first check). Returns
``{"complete": bool, "attempt": n + 1, "progress": "<how far the stream is>"}``; when the day is
still not complete after MAX_STREAM_CHECKS checks it raises ``StreamNotFinished`` with the same
words, which the workflow turns into its alert.

Environment: ATHENA_WORKGROUP, GLUE_DATABASE, LAKE_URI (s3://bucket[/prefix]), SESSION_GAP_MINUTES
(the job's processing.session.gap.minutes), MAX_STREAM_CHECKS, optional QUERY_TIMEOUT_SECONDS.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from athena_query import run_query, without_comments
from batch.completeness import END_OF_INPUT_MARKER, PROGRESS_ZONE, StreamProgress, day_verdict, parse_dt

QUERY_FILE = Path(__file__).with_name("stream_progress.sql")


class StreamNotFinished(RuntimeError):
    """The stream has not finished the day after every allowed check; the message says how far it is."""


def parse_athena_timestamp(value: str | None) -> _dt.datetime | None:
    """Athena's text of a timestamp ('2026-11-25 00:30:00.000'), as UTC."""
    if value in (None, ""):
        return None
    return _dt.datetime.fromisoformat(value.strip().replace(" ", "T")).replace(tzinfo=_dt.timezone.utc)


def read_marker(s3: Any, lake_uri: str) -> dict | None:
    """The end-of-input marker's JSON, {} when it is not JSON, None when there is none."""
    from botocore.exceptions import ClientError

    parsed = urlparse(lake_uri)
    key = "/".join(p for p in (parsed.path.strip("/"), PROGRESS_ZONE, END_OF_INPUT_MARKER) if p)
    try:
        body = s3.get_object(Bucket=parsed.netloc, Key=key)["Body"].read()
    except ClientError as error:
        if str(error.response["Error"].get("Code")) in ("NoSuchKey", "404", "NotFound"):
            return None
        raise
    try:
        content = json.loads(body or b"{}")
    except ValueError:
        return {}
    return content if isinstance(content, dict) else {}


def check(dt: str, attempt: int, athena: Any, s3: Any, environ: dict[str, str]) -> dict[str, Any]:
    parse_dt(dt)
    marker = read_marker(s3, environ["LAKE_URI"])
    max_end = None
    if marker is None:
        sql = without_comments(QUERY_FILE.read_text(encoding="utf-8"))
        rows = run_query(athena, sql, [f"'{dt}'"], environ["GLUE_DATABASE"], environ["ATHENA_WORKGROUP"],
                         float(environ.get("QUERY_TIMEOUT_SECONDS", "120")))
        max_end = parse_athena_timestamp(rows[0].get("max_window_end") if rows else None)
    verdict = day_verdict(dt, StreamProgress(max_end, marker), int(environ.get("SESSION_GAP_MINUTES", "30")))
    checks = attempt + 1
    if not verdict.complete and checks >= int(environ.get("MAX_STREAM_CHECKS", "16")):
        raise StreamNotFinished(f"{verdict.message()} (still not complete after {checks} checks)")
    return {"dt": dt, "complete": verdict.complete, "attempt": checks, "progress": verdict.message()}


def handler(event: dict[str, Any], context: Any = None, athena: Any = None, s3: Any = None) -> dict[str, Any]:
    if athena is None or s3 is None:
        import boto3

        athena = athena or boto3.client("athena")
        s3 = s3 or boto3.client("s3")
    attempt = event.get("attempt") or 0
    if not isinstance(attempt, int) or attempt < 0:
        raise ValueError(f"attempt must be a count >= 0, got {attempt!r}")
    return check(event.get("dt"), attempt, athena, s3, dict(os.environ))
