"""Lambda: which day (dt, UTC) the daily batch processes.

Event (from the state machine): ``{"input": <execution input>, "execution_start": "<ISO-8601>"}``.
Returns ``{"dt": "YYYY-MM-DD"}``: the input's ``dt`` when given (validated), else the day before the
execution started, in UTC. A malformed or future dt raises ``InvalidRunDate``.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

_DT_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class InvalidRunDate(ValueError):
    """The requested dt is not a real YYYY-MM-DD date, or lies after the execution's start."""


def parse_timestamp(value: str) -> _dt.datetime:
    """An ISO-8601 timestamp (``Z`` or an offset) as an aware UTC datetime."""
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    parsed = _dt.datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_dt.timezone.utc)
    return parsed.astimezone(_dt.timezone.utc)


def resolve_dt(requested: Any, execution_start: str) -> str:
    """``requested`` checked and returned, or yesterday (UTC) of ``execution_start`` when it is None."""
    started = parse_timestamp(execution_start)
    if requested is None or requested == "":
        return (started.date() - _dt.timedelta(days=1)).isoformat()
    if not isinstance(requested, str) or not _DT_PATTERN.match(requested):
        raise InvalidRunDate(f"dt must be a date as YYYY-MM-DD, got {requested!r}")
    try:
        day = _dt.date.fromisoformat(requested)
    except ValueError:
        raise InvalidRunDate(f"dt {requested!r} is not a real date") from None
    if day > started.date():
        raise InvalidRunDate(f"dt {requested} is after the execution's start ({started.date().isoformat()}, UTC)")
    return requested


def handler(event: dict[str, Any], context: Any = None) -> dict[str, str]:
    execution_input = event.get("input") or {}
    if not isinstance(execution_input, dict):
        raise InvalidRunDate(f"the execution input must be a JSON object, got {type(execution_input).__name__}")
    return {"dt": resolve_dt(execution_input.get("dt"), event["execution_start"])}
