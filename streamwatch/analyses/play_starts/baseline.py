"""The outage rule for play starts per minute: a robust baseline of the trailing hour, and the
minutes that fall far below it. Pure: a list of counts in, judgements out, no I/O.

For each minute ``t`` of a series (one count per minute, no gaps):

* **baseline** = the median of the ``window`` (60) minutes before ``t`` (``t`` itself excluded,
  and so are minutes that were below, next point), and **spread** = 1.4826 × the median distance
  to it of the minutes at or above it (the upper median absolute deviation, a robust standard
  deviation that an outage, which only pulls counts down, cannot widen). Counts are noisy like
  Poisson counts, so the spread is at least ``√baseline``.
* The minute is **below** the baseline when its count is under the band's lower edge,

      lower = min(baseline − deviations × spread,  max_ratio × baseline)

  i.e. at least ``deviations`` (2.5) robust standard deviations under the median *and* under
  ``max_ratio`` (40 %) of it. The ratio keeps the evening decline of normal traffic, which drops
  by up to about a third from one hour to the next, from looking like an outage; the deviations
  keep quiet hours from flagging: with a baseline of 6 or less (2.5 × √6 > 6) nothing can be below,
  at 10 only 0 to 2 can.
* Minutes that were below are left out of later windows: an outage is not normal traffic, and
  its minutes would drag the median down.
* **No baseline yet**: a minute whose window holds fewer than ``min_history`` (30) minutes (that
  were not below) is not judged, so the first half hour of a series, which builds up from nothing,
  never flags.
* **Flagged** (the alarm's state at that minute): at least ``breach_minutes`` (3) of the last
  ``of_minutes`` (5) minutes, this one included, were below — the same "3 out of 5" as the
  CloudWatch alarm ``play-starts-low``. One bad minute does not flag; the flag goes once fewer
  than 3 of the last 5 are below.

An outage that lasts more than half the window leaves fewer than ``min_history`` normal minutes in
it: its later minutes are not judged, the flag clears about 30 minutes after it was raised (it has
paged long before), and once the outage's level fills the window it is the new baseline.

Example::

    judged = judge([120, 118, 125, ...])          # counts of consecutive minutes
    [minute for minute in judged if minute.flagged]
    episodes(judged)                               # [(first, last) index of each run of flagged minutes]
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

MAD_TO_SIGMA = 1.4826  # MAD × this estimates the standard deviation of normally distributed values


@dataclass(frozen=True)
class Rule:
    """The parameters of the rule (module docstring); the defaults are the documented ones."""

    window: int = 60
    min_history: int = 30
    deviations: float = 2.5
    max_ratio: float = 0.4
    breach_minutes: int = 3
    of_minutes: int = 5

    def __post_init__(self) -> None:
        if not 1 <= self.min_history <= self.window:
            raise ValueError(f"min_history must be between 1 and window ({self.window}), got {self.min_history}")
        if self.deviations < 0:
            raise ValueError(f"deviations must be >= 0, got {self.deviations}")
        if not 0 < self.max_ratio <= 1:
            raise ValueError(f"max_ratio must be a fraction in (0, 1], got {self.max_ratio}")
        if not 1 <= self.breach_minutes <= self.of_minutes:
            raise ValueError(f"breach_minutes must be between 1 and of_minutes ({self.of_minutes}), "
                             f"got {self.breach_minutes}")

    def describe(self) -> str:
        """One line for people: what the baseline is and when a minute breaks it."""
        return (f"baseline = median of the previous {self.window} minutes (judged after {self.min_history}); "
                f"a minute is below when under both median − {self.deviations:g}×max(1.4826×upper MAD, √median) "
                f"and {self.max_ratio:.0%} of the median; flagged when {self.breach_minutes} of the last "
                f"{self.of_minutes} minutes are below")


@dataclass(frozen=True)
class Judgement:
    """One minute: its count, the baseline and lower edge (None while warming up), and the verdict."""

    count: int
    baseline: float | None
    lower: float | None
    below: bool
    flagged: bool


def judge(counts: Sequence[int], rule: Rule = Rule()) -> list[Judgement]:
    """Judge every minute of ``counts`` (consecutive minutes, missing ones given as 0)."""
    judged: list[Judgement] = []
    for t, count in enumerate(counts):
        if count < 0:
            raise ValueError(f"counts must be >= 0, minute {t} has {count}")
        window = [j.count for j in judged[max(0, t - rule.window):t] if not j.below]
        baseline = lower = None
        below = False
        if len(window) >= rule.min_history:
            baseline = float(statistics.median(window))
            # upper MAD: a two-sided one would grow with every outage minute that slipped into the window
            mad = statistics.median(value - baseline for value in window if value >= baseline)
            spread = max(MAD_TO_SIGMA * mad, baseline ** 0.5)
            lower = min(baseline - rule.deviations * spread, rule.max_ratio * baseline)
            below = count < lower
        recent = [j.below for j in judged[max(0, t - rule.of_minutes + 1):t]] + [below]
        judged.append(Judgement(count, baseline, lower, below, sum(recent) >= rule.breach_minutes))
    return judged


def episodes(judged: Sequence[Judgement]) -> list[tuple[int, int]]:
    """Each run of consecutive flagged minutes as (index of its first minute, index of its last)."""
    runs: list[tuple[int, int]] = []
    for index, minute in enumerate(judged):
        if not minute.flagged:
            continue
        if runs and runs[-1][1] == index - 1:
            runs[-1] = (runs[-1][0], index)
        else:
            runs.append((index, index))
    return runs
