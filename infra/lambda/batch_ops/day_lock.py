"""Lambda: one execution at a time builds and loads a dt - the daily workflow's lock per day.

Two executions over the same day (the nightly run and a rerun by hand, two overlapping backfills)
would both overwrite the day's curated partitions and both replace it in Redshift, in an order
nobody chose. The Glue jobs' MaxConcurrentRuns 1 only serialises single runs; this lock keeps the
whole build -> check -> load of a day to one execution.

Event ``{"action": "take" | "release", "dt": "YYYY-MM-DD", "execution": "<execution ARN>"}``.

- take: a conditional put of ``{dt, execution, taken_at}`` that succeeds when no item holds the dt
  or this execution already does (a retried take). When another execution holds it, that execution
  is described: still RUNNING -> ``DayLocked`` (the workflow retries, then fails naming the holder);
  ended (aborted, timed out, failed without releasing) -> the lock is taken over, conditionally on
  that holder, so two waiting executions cannot both take it.
- release: a delete conditional on this execution holding the lock; releasing a lock this execution
  does not hold changes nothing (after a failed take, or a second release).

A DynamoDB item rather than a name derived from the dt: Step Functions keeps execution names for 90
days, so a name per dt would refuse every rerun of a day, and the nightly run covers two days.

Environment: LOCK_TABLE.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from typing import Any

_DT = re.compile(r"^\d{4}-\d{2}-\d{2}$")
RUNNING = "RUNNING"


class DayLocked(RuntimeError):
    """Another execution that is still running builds or loads this dt."""


class InvalidLockRequest(ValueError):
    """The event is not a take or release of a real dt by an execution."""


def _check(event: dict[str, Any]) -> tuple[str, str, str]:
    action, dt, execution = event.get("action"), event.get("dt"), event.get("execution")
    if action not in ("take", "release"):
        raise InvalidLockRequest(f"action must be take or release, got {action!r}")
    if not isinstance(dt, str) or not _DT.match(dt):
        raise InvalidLockRequest(f"dt must be YYYY-MM-DD, got {dt!r}")
    if not isinstance(execution, str) or not execution.startswith("arn:"):
        raise InvalidLockRequest(f"execution must be an execution ARN, got {execution!r}")
    return action, dt, execution


def _conditional_failure(error: Exception) -> bool:
    response = getattr(error, "response", {}) or {}
    return response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


def take(table: Any, states: Any, dt: str, execution: str, now: _dt.datetime) -> dict[str, Any]:
    """Take the dt's lock for ``execution``; raises DayLocked while a running execution holds it."""
    item = {"dt": dt, "execution": execution, "taken_at": now.isoformat()}
    try:
        table.put_item(Item=item, ConditionExpression="attribute_not_exists(dt) OR #holder = :me",
                       ExpressionAttributeNames={"#holder": "execution"},
                       ExpressionAttributeValues={":me": execution})
        return {"dt": dt, "held_by": execution, "took_over_from": None}
    except Exception as error:  # noqa: BLE001 - only a failed condition is expected here
        if not _conditional_failure(error):
            raise
    holder = (table.get_item(Key={"dt": dt}, ConsistentRead=True).get("Item") or {}).get("execution")
    if holder is None:  # released between the put and the read: try once more
        return take(table, states, dt, execution, now)
    status = states.describe_execution(executionArn=holder)["status"]
    if status == RUNNING:
        raise DayLocked(f"dt {dt} is being built or loaded by another execution, {holder} (RUNNING); "
                        "this one waited for it and gives up. Run the day again once that one has ended.")
    try:
        table.put_item(Item=item, ConditionExpression="#holder = :previous",
                       ExpressionAttributeNames={"#holder": "execution"},
                       ExpressionAttributeValues={":previous": holder})
    except Exception as error:  # noqa: BLE001
        if _conditional_failure(error):
            raise DayLocked(f"dt {dt}: another execution took over the lock left by {holder} ({status}) first") from None
        raise
    return {"dt": dt, "held_by": execution, "took_over_from": holder, "previous_status": status}


def release(table: Any, dt: str, execution: str) -> dict[str, Any]:
    """Release the dt's lock if ``execution`` holds it."""
    try:
        table.delete_item(Key={"dt": dt}, ConditionExpression="#holder = :me",
                          ExpressionAttributeNames={"#holder": "execution"},
                          ExpressionAttributeValues={":me": execution})
    except Exception as error:  # noqa: BLE001
        if _conditional_failure(error):
            return {"dt": dt, "released": False}
        raise
    return {"dt": dt, "released": True}


def handler(event: dict[str, Any], context: Any = None, table: Any = None, states: Any = None) -> dict[str, Any]:
    import boto3

    action, dt, execution = _check(event)
    table = table or boto3.resource("dynamodb").Table(os.environ["LOCK_TABLE"])
    if action == "release":
        return release(table, dt, execution)
    states = states or boto3.client("stepfunctions")
    return take(table, states, dt, execution, _dt.datetime.now(_dt.timezone.utc))
