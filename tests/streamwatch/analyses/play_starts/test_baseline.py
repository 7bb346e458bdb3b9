"""The outage rule, on series whose verdicts are worked out by hand here (median, upper MAD, edges)."""

from __future__ import annotations

import statistics

import pytest

from streamwatch.analyses.play_starts.baseline import Rule, episodes, judge

STEADY = [95, 105] * 30  # median 100; the minutes above it are 5 away: spread = max(1.4826*5, √100) = 10


def test_the_first_half_hour_is_not_judged_even_at_zero():
    judged = judge([100] * 29 + [0] * 6)
    assert all(j.baseline is None and not j.below for j in judged[:30])
    # minute 29 has 29 minutes before it: not judged; minute 30 has 29 normal ones (29 was not judged,
    # so it was not below and counts): judged
    assert judged[29].baseline is None
    assert judged[30].baseline == 100.0 and judged[30].below


def test_baseline_and_lower_edge_by_hand():
    judged = judge(STEADY + [40, 39])
    first = judged[60]
    assert first.baseline == 100.0
    # lower = min(100 - 2.5 * 10, 0.4 * 100) = min(75, 40) = 40; below means strictly under it
    assert first.lower == pytest.approx(40.0)
    assert not first.below                 # 40 is on the edge, not under it
    assert judged[61].below                # 39 is under it


def test_the_spread_comes_from_the_minutes_above_the_median():
    # median 100; above it the distances are 0 (the 100s) and 20 (the 120s): upper MAD = 20 ->
    # spread 29.652; lower = min(100 - 2.5 * 29.652, 40) = 25.87
    window = [100] * 10 + [120] * 20 + [80] * 20 + [10] * 10
    judged = judge(window + [25], Rule(window=60, min_history=30))
    assert judged[60].baseline == 100.0
    assert judged[60].lower == pytest.approx(100 - 2.5 * 1.4826 * 20)
    assert judged[60].below


def test_quiet_minutes_never_flag():
    # baseline 6: 6 - 2.5 * √6 < 0, so not even a zero is below
    quiet = [5, 7] * 30 + [0] * 20
    assert not any(j.below for j in judge(quiet))
    # baseline 10: lower = min(10 - 2.5 * √10, 4) = 2.09: 0, 1 and 2 are below, 3 is not
    ten = [9, 11] * 30
    assert [judge(ten + [n])[-1].below for n in range(5)] == [True, True, True, False, False]


def test_a_steep_natural_decline_is_not_an_outage():
    # an hour at 100, then the next hour at 65 (the simulator's evening steps are about this size)
    series = STEADY + [62, 68] * 30
    judged = judge(series)
    assert not any(j.below for j in judged)


def test_an_outage_is_flagged_on_its_third_minute_and_keeps_its_baseline():
    series = STEADY + [8] * 10 + STEADY[:20]
    judged = judge(series)
    assert [j.below for j in judged[60:70]] == [True] * 10
    assert [j.flagged for j in judged[60:70]] == [False, False] + [True] * 8
    # below minutes stay out of the window: the baseline of outage minute 60 + k is the median of the
    # normal minutes k..59 only
    assert [j.baseline for j in judged[60:70]] == [statistics.median(STEADY[k:]) for k in range(10)]
    assert episodes(judged) == [(62, 71)]  # 3 of the last 5 are still below one minute after: 70, 71


def test_one_or_two_bad_minutes_in_five_do_not_flag_three_do():
    two = STEADY + [95, 0, 105, 0, 95, 105, 95, 105]
    assert [j.below for j in judge(two)[60:68]] == [False, True, False, True, False, False, False, False]
    assert not any(j.flagged for j in judge(two))
    three = STEADY + [0, 105, 0, 95, 0, 105, 95, 105]
    judged = judge(three)
    # flagged while 3 of the last 5 minutes (this one included) are below, like "3 out of 5" in CloudWatch
    assert [j.flagged for j in judged[60:68]] == [False, False, False, False, True, False, False, False]
    assert episodes(judged) == [(64, 64)]


def test_a_long_outage_loses_its_baseline_after_half_an_hour():
    series = STEADY + [5] * 45
    judged = judge(series)
    # the window of minute 60 + k holds 60 - k normal minutes: judged while k <= 30
    assert all(j.below for j in judged[60:91])
    assert judged[91].baseline is None and not judged[91].below
    assert episodes(judged) == [(62, 92)]


def test_counts_and_rules_are_checked():
    with pytest.raises(ValueError, match="minute 2 has -1"):
        judge([1, 2, -1])
    for kwargs, message in (({"min_history": 0}, "min_history"), ({"min_history": 61}, "min_history"),
                            ({"deviations": -1}, "deviations"), ({"max_ratio": 0}, "max_ratio"),
                            ({"breach_minutes": 6}, "breach_minutes")):
        with pytest.raises(ValueError, match=message):
            Rule(**kwargs)


def test_the_rule_describes_itself_with_its_numbers():
    text = Rule().describe()
    for part in ("previous 60 minutes", "judged after 30", "2.5×", "40% of the median", "3 of the last 5"):
        assert part in text
