"""The rule applied to a lake's series: the total and every country, each judged over all minutes."""

from __future__ import annotations

import datetime as dt

from streamwatch.analyses.play_starts.assess import TOTAL, assess
from streamwatch.analyses.play_starts.zone import PlayStarts

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 1, 31, 22, 0, tzinfo=UTC)
US = [75, 85] * 30 + [4] * 12 + [80] * 28          # an outage of US at minutes 60..71
DE = [20, 30] * 50                                  # normal
BR = [10] * 90 + [0] * 10                           # quiet (baseline 10 -> lower 2.09) then silent: flagged


def minute(n: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=n)


def test_each_country_and_the_total_get_their_own_flags():
    total = [u + d + b for u, d, b in zip(US, DE, BR)]
    starts = PlayStarts(T0, total, {"BR": BR, "DE": DE, "US": US})
    assessment = assess(starts)
    flags = [(f.series, f.first, f.last, f.count, f.baseline) for f in assessment.flags]
    # US: below from minute 60, flagged from 62 (3 of 5) to 73 (3 of the last 5 still below after it ends);
    # the total drops from ~115 to ~35 (under 40% of its median of 115 at minute 60? 35 < 46: yes)
    us_first = minute(62)
    assert (TOTAL, minute(62), minute(73), total[62], 115.0) in flags
    assert ("US", us_first, minute(73), 4, 80.0) in flags
    assert ("BR", minute(92), minute(99), 0, 10.0) in flags
    assert not [f for f in flags if f[0] == "DE"]
    assert [f[0] for f in flags] == [TOTAL, "US", "BR"]  # the total first, then by time
    assert assessment.flags[1].minutes == 12
    assert set(assessment.by_country) == {"BR", "DE", "US"}


def test_flags_between_keeps_those_with_a_minute_in_the_range():
    starts = PlayStarts(T0, list(US), {"US": US})
    assessment = assess(starts)
    assert len(assessment.flags) == 2
    assert assessment.flags_between(minute(74), None) == []
    assert len(assessment.flags_between(minute(73), minute(74))) == 2
    assert assessment.flags_between(None, minute(62)) == []
    assert len(assessment.flags_between(None, minute(63))) == 2


def test_a_range_shown_later_keeps_the_hour_before_it_as_baseline():
    starts = PlayStarts(T0, list(US), {"US": US})
    assessment = assess(starts)
    # minute 60 is judged against minutes 0..59 even if a display starts at minute 60
    assert assessment.total[60].baseline == 80.0 and assessment.total[60].below
