"""An outage knob: most play starts of one country go missing for a while, the rest is unchanged.

``Outage("US", minutes=20)`` drops ``fraction`` (90 %) of the ``play`` events whose ``country`` is
``US`` and whose event time lies in ``[start, start + 20 minutes)``. Each of those plays is dropped
or kept by its own draw from a random stream of its own (seeded), so the same seed drops the same
plays, and every other event — the other event types of the country, every other country, the
events before and after — is exactly what the simulator made without the outage (same ids, same
order). A dropped play is simply not emitted: it is no record at all, so it is not a fault the
job sees, and the fault ledger counts it as ``outage_dropped`` (records emitted = events simulated −
outage_dropped + duplicates + late + malformed).

``start`` defaults to the middle of the produced time range: the first event's time plus half the
time to the last simulated event, rounded down to a whole minute (``middle_start``). Only play
events are dropped, like a playback service that fails to start streams: the viewers' later
heartbeats, pauses and stops of a title already playing still come.

Command-line form (``streamwatch produce --outage``): ``COUNTRY:MINUTES`` or
``COUNTRY:MINUTES@START`` (START in ISO-8601, UTC if no offset), e.g. ``US:20`` or
``US:20@2026-01-31T23:30Z``.

Example::

    outage = parse_outage("US:20")
    kept = drop_play_starts(events, resolve_start(outage, first_ms, last_ms), ledger, seed=7)
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

from producer.faults import FaultLedger, event_ms

DEFAULT_FRACTION = 0.9
_MINUTE_MS = 60_000
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_FORM = re.compile(r"^(?P<country>[A-Z]{2}):(?P<minutes>\d+)(?:@(?P<start>.+))?$")


@dataclass(frozen=True)
class Outage:
    """``fraction`` of the play starts of ``country`` dropped for ``minutes`` from ``start`` (UTC;
    None: the middle of the produced time range)."""

    country: str
    minutes: int
    start: datetime | None = None
    fraction: float = DEFAULT_FRACTION

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Z]{2}", self.country):
            raise ValueError(f"country must be an ISO 3166-1 alpha-2 code in upper case such as US, "
                             f"got {self.country!r}")
        if self.minutes < 1:
            raise ValueError(f"an outage lasts at least 1 minute, got {self.minutes}")
        if not 0.0 < self.fraction <= 1.0:
            raise ValueError(f"fraction must be in (0, 1], got {self.fraction}")
        if self.start is not None and self.start.tzinfo is None:
            raise ValueError("start must be timezone-aware (UTC)")

    @property
    def end(self) -> datetime | None:
        return None if self.start is None else self.start + timedelta(minutes=self.minutes)

    def describe(self) -> str:
        when = "" if self.start is None else f" from {self.start:%Y-%m-%d %H:%M} to {self.end:%H:%M} UTC"
        return f"{self.fraction:.0%} of the play starts of {self.country} dropped for {self.minutes} min{when}"


def parse_outage(text: str) -> Outage:
    """``COUNTRY:MINUTES`` or ``COUNTRY:MINUTES@START``; ValueError saying what to write otherwise."""
    match = _FORM.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not COUNTRY:MINUTES (e.g. US:20) or COUNTRY:MINUTES@START "
                         "(e.g. US:20@2026-01-31T23:30Z)")
    start = None
    if match["start"] is not None:
        try:
            start = datetime.fromisoformat(match["start"])
        except ValueError:
            raise ValueError(f"the start of {text!r} is not an ISO-8601 time such as 2026-01-31T23:30Z") from None
        start = start.replace(tzinfo=timezone.utc) if start.tzinfo is None else start.astimezone(timezone.utc)
    return Outage(match["country"], int(match["minutes"]), start)


def middle_start(first_ms: int, last_ms: int) -> datetime:
    """The default start: halfway from the first event to the last, down to a whole minute."""
    middle = first_ms + (last_ms - first_ms) // 2
    return _EPOCH + timedelta(milliseconds=middle - middle % _MINUTE_MS)


def resolve_start(outage: Outage, first_ms: int, last_ms: int) -> Outage:
    """``outage`` with its start set: its own, or ``middle_start`` of the produced range."""
    return outage if outage.start is not None else replace(outage, start=middle_start(first_ms, last_ms))


def drop_play_starts(events: Iterable[dict], outage: Outage, ledger: FaultLedger, *, seed: int) -> Iterator[dict]:
    """``events`` without the dropped plays of ``outage`` (its start must be set); counts them in
    ``ledger.outage_dropped``."""
    if outage.start is None:
        raise ValueError("the outage needs a start: resolve_start(outage, first_ms, last_ms)")
    rng = random.Random(seed)
    begin = (outage.start - _EPOCH) // timedelta(milliseconds=1)
    end = begin + outage.minutes * _MINUTE_MS
    for event in events:
        if event["event_type"] == "play" and event["country"] == outage.country:
            if begin <= event_ms(event["event_ts"]) < end and rng.random() < outage.fraction:
                ledger.outage_dropped += 1
                continue
        yield event
