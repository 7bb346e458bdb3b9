"""When a dt is complete: the one rule the local CLI and the AWS workflow both apply (DESIGN §5).

The streaming job publishes how far its event time has got in ``processed/stream_progress/``
(one row per 5-minute event-time window it has closed, columns ``window_start``, ``window_end``,
``titles``) and, when a run ended with its watermark at the end of time (a bounded replay that
finished, a stop with drain), the marker ``processed/stream_progress/_END_OF_INPUT``.

    dt D is complete  <=>  _END_OF_INPUT exists  or  max(window_end) >= D + 1 day + session gap

A session that starts on D can go on until its last event plus the gap, so only once event time
has passed the end of D by the gap can no new session of D appear (the rare longer one is picked
up by the next day's rerun of D). ``max(window_end)`` is a lower bound of the job's watermark:
a window's row is written only once the watermark has passed its end.

Pure: no I/O and no third-party import, so the workflow's Lambda bundles this very module. The
readers (``batch.stream_progress`` locally, the Lambda's Athena query on AWS) fill ``StreamProgress``.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from typing import Any, Mapping

PROGRESS_TABLE = "stream_progress"
PROGRESS_ZONE = f"processed/{PROGRESS_TABLE}"
END_OF_INPUT_MARKER = "_END_OF_INPUT"
DEFAULT_SESSION_GAP_MINUTES = 30
UTC = _dt.timezone.utc


@dataclasses.dataclass(frozen=True)
class StreamProgress:
    """What the job has published: the newest closed window's end (UTC) and the end-of-input marker.

    ``max_window_end`` is None when no window has been published; ``end_of_input`` is the marker's
    content (a dict, possibly empty) when the marker exists, else None."""

    max_window_end: _dt.datetime | None
    end_of_input: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.max_window_end is not None:
            object.__setattr__(self, "max_window_end", as_utc(self.max_window_end))

    def describe(self) -> str:
        """How far the stream is, in words."""
        if self.end_of_input is not None:
            how = self.end_of_input.get("how") if isinstance(self.end_of_input, Mapping) else None
            ended = self.end_of_input.get("ended_at") if isinstance(self.end_of_input, Mapping) else None
            detail = ", ".join(str(part) for part in (how, f"at {ended}" if ended else None) if part)
            return f"the stream's input has ended ({END_OF_INPUT_MARKER}{': ' + detail if detail else ''})"
        if self.max_window_end is None:
            return f"no progress published yet (nothing in {PROGRESS_ZONE}/)"
        return f"the stream's event time has reached {iso(self.max_window_end)} (max window_end in {PROGRESS_ZONE}/)"


@dataclasses.dataclass(frozen=True)
class DayVerdict:
    dt: str
    complete: bool
    needed: _dt.datetime  # the event time the stream must reach: end of dt + session gap
    progress: StreamProgress
    session_gap_minutes: int

    def message(self) -> str:
        if self.complete:
            return f"dt={self.dt} is complete: {self.progress.describe()}"
        return (
            f"dt={self.dt} is not complete yet: {self.progress.describe()}; it is complete once the stream's "
            f"event time reaches {iso(self.needed)} (the end of the day plus the {self.session_gap_minutes}-minute "
            f"session gap) or its input ends ({PROGRESS_ZONE}/{END_OF_INPUT_MARKER}, written by a bounded replay "
            "that finished or a stop with drain)"
        )


def as_utc(moment: _dt.datetime) -> _dt.datetime:
    """An aware UTC datetime; a naive one is taken as UTC (the lake's timestamps are UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def iso(moment: _dt.datetime) -> str:
    return as_utc(moment).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_dt(dt: str) -> _dt.date:
    try:
        day = _dt.date.fromisoformat(dt)
    except (TypeError, ValueError):
        day = None
    if day is None or day.isoformat() != dt:
        raise ValueError(f"dt must be a date written YYYY-MM-DD, got {dt!r}")
    return day


def needed_event_time(dt: str, session_gap_minutes: int = DEFAULT_SESSION_GAP_MINUTES) -> _dt.datetime:
    """The event time at which dt is complete: midnight after dt, plus the session gap (UTC)."""
    if session_gap_minutes < 0:
        raise ValueError(f"the session gap must be >= 0 minutes, got {session_gap_minutes}")
    next_midnight = _dt.datetime.combine(parse_dt(dt) + _dt.timedelta(days=1), _dt.time(), tzinfo=UTC)
    return next_midnight + _dt.timedelta(minutes=session_gap_minutes)


def day_verdict(dt: str, progress: StreamProgress,
                session_gap_minutes: int = DEFAULT_SESSION_GAP_MINUTES) -> DayVerdict:
    """Whether ``dt`` is complete given what the stream has published."""
    needed = needed_event_time(dt, session_gap_minutes)
    complete = progress.end_of_input is not None or (
        progress.max_window_end is not None and progress.max_window_end >= needed
    )
    return DayVerdict(dt=dt, complete=complete, needed=needed, progress=progress,
                      session_gap_minutes=session_gap_minutes)
