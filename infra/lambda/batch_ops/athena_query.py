"""One Athena query from a Lambda: start it with positional parameters, poll it with backoff until it
ends, and return its rows as dicts of strings (the Lambdas turn them into what they need)."""

from __future__ import annotations

import time
from typing import Any, Callable, Sequence


class AthenaQueryNotFinished(RuntimeError):
    """The query did not finish within the function's budget (the state machine retries)."""


class AthenaQueryFailed(RuntimeError):
    """Athena reported FAILED or CANCELLED."""


def without_comments(text: str) -> str:
    """A query file without its comment lines (a ``?`` in a comment is no parameter)."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))


def run_query(
    athena: Any,
    sql: str,
    parameters: Sequence[str],
    database: str,
    workgroup: str,
    timeout_seconds: float = 240.0,
    sleep: Callable[[float], None] = time.sleep,
) -> list[dict[str, str | None]]:
    """The rows of ``sql`` (each ``?`` filled by ``parameters``, already quoted literals)."""
    request: dict[str, Any] = {"QueryString": sql, "QueryExecutionContext": {"Database": database},
                               "WorkGroup": workgroup}
    if parameters:
        request["ExecutionParameters"] = list(parameters)
    query_id = athena.start_query_execution(**request)["QueryExecutionId"]
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
    if not rows:
        raise AthenaQueryFailed(f"Athena query {query_id} returned no header row")
    header = [cell.get("VarCharValue", "") for cell in rows[0]["Data"]]
    return [{name: cell.get("VarCharValue") for name, cell in zip(header, row["Data"])} for row in rows[1:]]
