"""The outage rule (``baseline``) applied to the series of a lake: the total and every country.

Pure: ``PlayStarts`` in, an ``Assessment`` out. Every series is judged over all of its minutes, so a
range picked for display (``window``) still has the trailing hour before it as its baseline.

Example::

    assessment = assess(read_play_starts(lake))
    for flag in assessment.flags:      # one per run of flagged minutes, total first, then by time
        print(flag.series, flag.first, flag.last, flag.count, flag.baseline)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from streamwatch.analyses.play_starts.baseline import Judgement, Rule, episodes, judge
from streamwatch.analyses.play_starts.zone import PlayStarts

TOTAL = "total"


@dataclass(frozen=True)
class Flag:
    """A run of flagged minutes of one series: when it was raised (``first``), its last flagged
    minute, and the count and baseline of the minute it was raised."""

    series: str
    first: dt.datetime
    last: dt.datetime
    count: int
    baseline: float

    @property
    def minutes(self) -> int:
        return (self.last - self.first) // dt.timedelta(minutes=1) + 1


@dataclass(frozen=True)
class Assessment:
    play_starts: PlayStarts
    rule: Rule
    total: list[Judgement]
    by_country: dict[str, list[Judgement]]
    flags: list[Flag]

    def flags_between(self, start: dt.datetime | None, end: dt.datetime | None) -> list[Flag]:
        """The flags with a flagged minute in [start, end) (None: unbounded)."""
        return [f for f in self.flags
                if (end is None or f.first < end) and (start is None or f.last >= start)]


def assess(play_starts: PlayStarts, rule: Rule = Rule()) -> Assessment:
    total = judge(play_starts.total, rule)
    by_country = {country: judge(counts, rule) for country, counts in play_starts.by_country.items()}
    flags = _flags(TOTAL, total, play_starts)
    for country, judged in by_country.items():
        flags.extend(_flags(country, judged, play_starts))
    flags.sort(key=lambda f: (f.series != TOTAL, f.first, f.series))
    return Assessment(play_starts, rule, total, by_country, flags)


def _flags(series: str, judged: list[Judgement], play_starts: PlayStarts) -> list[Flag]:
    found = []
    for first, last in episodes(judged):
        raised = judged[first]
        found.append(Flag(series, play_starts.minute(first), play_starts.minute(last), raised.count,
                          raised.baseline if raised.baseline is not None else 0.0))
    return found
