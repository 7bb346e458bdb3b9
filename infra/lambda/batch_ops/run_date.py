"""Lambda: which days (dt, UTC) an execution of the daily workflow processes, oldest first.

Event (from the state machine): ``{"input": <execution input>, "execution_start": "<ISO-8601>"}``.
Returns ``{"days": [...], "last_day": "YYYY-MM-DD"}``:
- input ``{"dt": D}``: ``[D]`` (a rerun of one day);
- input ``{"from": D1, "to": D2}``: every day from D1 to D2 (a backfill, at most MAX_DAYS);
- no input (the nightly schedule): the day before yesterday and yesterday of the execution's start
  (UTC), so yesterday is built and the day before is rebuilt, picking up the rare session that
  started on it and closed after its first build (DESIGN §5).
A malformed, unreal or future day raises ``InvalidRunDate``.
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


MAX_DAYS = 31
NIGHTLY_DAYS = 2  # yesterday, and the day before it again


def resolve_days(execution_input: dict[str, Any], execution_start: str) -> list[str]:
    """The days of an execution, oldest first (see the module docstring)."""
    given = {key for key in ("dt", "from", "to") if execution_input.get(key) not in (None, "")}
    if given == {"dt"}:
        return [resolve_dt(execution_input["dt"], execution_start)]
    if given == {"from", "to"}:
        first = _dt.date.fromisoformat(resolve_dt(execution_input["from"], execution_start))
        last = _dt.date.fromisoformat(resolve_dt(execution_input["to"], execution_start))
        if last < first:
            raise InvalidRunDate(f"to ({last}) is before from ({first})")
        count = (last - first).days + 1
        if count > MAX_DAYS:
            raise InvalidRunDate(f"{count} days is more than one execution takes ({MAX_DAYS}); split the range")
        return [(first + _dt.timedelta(days=n)).isoformat() for n in range(count)]
    if given:
        raise InvalidRunDate(f"give either dt, or from and to (got {', '.join(sorted(given))})")
    yesterday = _dt.date.fromisoformat(resolve_dt(None, execution_start))
    return [(yesterday - _dt.timedelta(days=n)).isoformat() for n in reversed(range(NIGHTLY_DAYS))]


def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    execution_input = event.get("input") or {}
    if not isinstance(execution_input, dict):
        raise InvalidRunDate(f"the execution input must be a JSON object, got {type(execution_input).__name__}")
    days = resolve_days(execution_input, event["execution_start"])
    return {"days": days, "last_day": days[-1]}
