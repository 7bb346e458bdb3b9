"""Devices with a wrong clock: a share of the devices runs some minutes fast or slow.

A real client stamps ``event_ts`` and ``sent_at`` from its own clock, and some clocks are minutes
off. ``ClockSkew`` says which share of the devices is how far off; a device's clock shifts
everything it stamps by its offset, so a device 10 minutes fast writes both ``event_ts`` and
``sent_at`` 10 minutes ahead of true time, and the streaming job can take the difference out
(event time = ``event_ts`` + arrival − ``sent_at``, contract §1).

Which devices are off is decided per ``device_id`` by a hash of the seed and the id, not by a
random stream: the same device always has the same offset, whatever events come before it, and
adding a second share leaves the devices of the first where they were. The shares take
consecutive slices of [0, 1): with ``0.03:+10`` and ``0.03:-4``, a device whose draw is under 0.03
is 10 minutes fast, one under 0.06 is 4 minutes slow, every other device is right.

The skew is applied after the fault knobs (``apply_clock_skew``), which work on true event time, so
the arrival order of the records — event-time order, shuffled by ``out_of_order_ms``, with
redeliveries and late events — is the same with or without it. Malformed records (plain ``str``)
are left as they are.

Command-line form (``streamwatch produce --clock-skew``, repeatable): ``SHARE:MINUTES``, SHARE a
fraction of the devices from 0 to 1, MINUTES signed and possibly fractional (``+10`` or ``10``: 10
minutes fast, ``-4``: 4 minutes slow, ``0.5``: 30 s fast).

Example::

    skew = parse_clock_skew(["0.03:+10", "0.03:-4"])
    skew.offset_ms("dev-0123456789ab", seed=7)        # 600000, -240000 or 0, always the same
    records = apply_clock_skew(inject_faults(events, faults, ledger, seed=7), skew, ledger, seed=7)
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from producer.faults import FaultLedger, event_ms
from producer.outgoing import OutgoingEvent, Record
from producer.simulator import format_ts

MAX_MINUTES = 525_600  # a year either way: beyond that the timestamps stop meaning anything
_MINUTE_MS = 60_000
_NUMBER = r"(?:\d+(?:\.\d*)?|\.\d+)"
_FORM = re.compile(rf"^(?P<share>{_NUMBER}):(?P<minutes>[+-]?{_NUMBER})$")
_EXAMPLE = "e.g. 0.03:+10 (3% of the devices 10 minutes fast) or 0.03:-4 (3% 4 minutes slow)"


@dataclass(frozen=True)
class SkewShare:
    """``share`` (0–1) of the devices whose clock is ``minutes`` off (positive: fast, negative: slow)."""

    share: float
    minutes: float

    def __post_init__(self) -> None:
        if not 0.0 <= self.share <= 1.0:
            raise ValueError(f"the share of devices must be a fraction between 0 and 1, got {self.share:g}")
        if not math.isfinite(self.minutes) or abs(self.minutes) > MAX_MINUTES:
            raise ValueError(f"a clock can be off by at most {MAX_MINUTES:,} minutes (a year), got {self.minutes:g}")
        if self.offset_ms == 0:
            raise ValueError(f"a clock {self.minutes:g} minutes off is not skewed; give minutes such as +10 or -4")

    @property
    def offset_ms(self) -> int:
        """The offset in whole milliseconds, the precision of the timestamps."""
        return round(self.minutes * _MINUTE_MS)

    def describe(self) -> str:
        """E.g. ``3% +10 min``: the share of devices, and how far off their clocks are."""
        return f"{self.share * 100:g}% {self.minutes:+g} min"


@dataclass(frozen=True)
class ClockSkew:
    """The skewed shares of the devices; together at most all of them. Empty: every clock is right."""

    shares: tuple[SkewShare, ...] = ()

    def __post_init__(self) -> None:
        total = math.fsum(share.share for share in self.shares)
        if total > 1.0 + 1e-9:
            raise ValueError(f"the shares of devices with a skewed clock add up to {total:g}; "
                             "together they can be at most 1 (all devices)")

    def __bool__(self) -> bool:
        return any(share.share > 0 for share in self.shares)

    def offset_ms(self, device_id: str, *, seed: int) -> int:
        """How far ``device_id``'s clock is off, in ms (0: right): the same for the same seed and id."""
        draw = device_draw(device_id, seed)
        upper = 0.0
        for share in self.shares:
            upper += share.share
            if draw < upper:
                return share.offset_ms
        return 0

    def describe(self) -> str:
        """E.g. ``3% +10 min, 3% -4 min`` (shares of the devices); ``none`` when empty."""
        return ", ".join(share.describe() for share in self.shares) or "none"


def parse_skew_share(text: str) -> SkewShare:
    """``SHARE:MINUTES``; ValueError saying what to write otherwise."""
    match = _FORM.match(text.strip().replace(" ", ""))
    if match is None:
        raise ValueError(f"{text!r} is not SHARE:MINUTES, {_EXAMPLE}")
    return SkewShare(float(match["share"]), float(match["minutes"]))


def parse_clock_skew(texts: Iterable[str]) -> ClockSkew:
    """Several ``SHARE:MINUTES`` (one per ``--clock-skew``) as one ``ClockSkew``; ValueError if any
    is wrong or the shares add up to more than 1."""
    return ClockSkew(tuple(parse_skew_share(text) for text in texts))


def device_draw(device_id: str, seed: int) -> float:
    """A number in [0, 1) fixed by the seed and the device id (a hash, the same in every process)."""
    digest = hashlib.blake2b(f"{seed}:{device_id}".encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def shift_event_ts(event_ts: str, offset_ms: int) -> str:
    """``event_ts`` moved by ``offset_ms``, written the way it was (``Z``, or the same UTC offset)."""
    moved = event_ms(event_ts) + offset_ms
    if event_ts.endswith("Z"):
        return format_ts(moved)
    utc_offset = datetime.fromisoformat(event_ts).utcoffset()
    return format_ts(moved, utc_offset // timedelta(minutes=1))


def skewed(record: OutgoingEvent, offset_ms: int) -> OutgoingEvent:
    """``record`` as a device whose clock is ``offset_ms`` further off sends it: its ``event_ts`` on
    that clock, and the offset kept for stamping ``sent_at``."""
    event = record.event
    return OutgoingEvent({**event, "event_ts": shift_event_ts(event["event_ts"], offset_ms)},
                         record.clock_offset_ms + offset_ms)


def apply_clock_skew(
    records: Iterable[Record], skew: ClockSkew, ledger: FaultLedger, *, seed: int
) -> Iterator[Record]:
    """``records`` in the same order, those of skewed devices on their devices' clocks; counts them
    in ``ledger.skewed_fast`` and ``ledger.skewed_slow``. Malformed records (``str``) pass unchanged."""
    offsets: dict[str, int] = {}
    for record in records:
        if isinstance(record, OutgoingEvent):
            device_id = record.event.get("device_id")
            if isinstance(device_id, str):
                offset = offsets.get(device_id)
                if offset is None:
                    offset = offsets[device_id] = skew.offset_ms(device_id, seed=seed)
                if offset:
                    if offset > 0:
                        ledger.skewed_fast += 1
                    else:
                        ledger.skewed_slow += 1
                    record = skewed(record, offset)
        yield record
