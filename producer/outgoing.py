"""What the producer hands a sink: a simulated event still to be sent, or a finished text record.

A device stamps ``sent_at`` (its own clock when it sends, contract §1) on every attempt to send a
record, so the JSON text of an event cannot be fixed when the event is made: a record refused by
Kinesis and sent again, or redelivered later, goes out with a later ``sent_at``. ``OutgoingEvent``
therefore keeps the event dict and its device's clock offset, and the sink renders it with
``render(now_ms)`` at the moment of each attempt. Records that are deliberately broken (fault
injection) are plain ``str`` and go out exactly as they are.

``sent_at`` is always written in UTC with ``Z`` and milliseconds, so it has a fixed width: a record's
size is the same at every attempt, whatever the clock says.

Example::

    record = OutgoingEvent({"event_id": "...", "user_id": "usr-1", ...}, clock_offset_ms=600_000)
    text = record.render(wall_clock_ms())   # ... "sent_at":"2026-01-31T20:25:00.123Z"}
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

from producer.simulator import format_ts

SENT_AT = "sent_at"

_encode = json.JSONEncoder(separators=(",", ":")).encode


@dataclass(frozen=True, slots=True)
class OutgoingEvent:
    """A contract event as its device wrote it (``event_ts`` already on the device's clock), and
    how far that clock is off true time, in milliseconds (positive: fast), for stamping ``sent_at``."""

    event: Mapping[str, Any]
    clock_offset_ms: int = 0

    @property
    def user_id(self) -> Any:
        """The event's ``user_id`` (the partition key), read from the dict, not from JSON text."""
        return self.event.get("user_id")

    def render(self, now_ms: int) -> str:
        """The record's JSON text, sent at true time ``now_ms`` (epoch ms) by its device's clock."""
        return _encode({**self.event, SENT_AT: format_ts(now_ms + self.clock_offset_ms)})

    def unstamped(self) -> str:
        """The JSON text of the event without ``sent_at``: stable across attempts (for hashing)."""
        return _encode(self.event)


# One record for a sink: an event still to be stamped, or a ready (possibly malformed) text.
Record: TypeAlias = OutgoingEvent | str


def wall_clock_ms() -> int:
    """True time now in epoch milliseconds: the clock a sink stamps ``sent_at`` from."""
    return time.time_ns() // 1_000_000
