"""What the demo asks of the producer by default, and how it reports the skewed devices' records."""

from __future__ import annotations

from producer.clock_skew import SkewShare
from producer.faults import FaultLedger
from streamwatch.demo.streaming import DemoSettings, skewed_records_line


def test_the_demo_runs_devices_with_fast_and_slow_clocks_by_default():
    skew = DemoSettings().clock_skew
    assert skew.shares == (SkewShare(0.03, 10.0), SkewShare(0.03, -4.0))
    assert [share.offset_ms for share in skew.shares] == [600_000, -240_000]


def test_the_demo_says_how_many_records_came_from_skewed_devices():
    ledger = FaultLedger(emitted=100_000, skewed_fast=2_950, skewed_slow=3_120)
    line = skewed_records_line(ledger, DemoSettings().clock_skew)
    assert line == ("6,070 records came from devices with a skewed clock (of all devices: 3% +10 min, 3% -4 min): "
                    "2,950 from fast clocks, 3,120 from slow ones")


def test_the_demo_names_every_zone_that_does_not_hold_what_was_injected():
    from streamwatch.demo.streaming import injected_differences
    from streamwatch.analyses.summary import LakeSummary

    summary = LakeSummary(records_in=1_300, raw_rows=1_200, distinct_events=1_190, dlq_rows=100, late_rows=25,
                          late_redeliveries=0, ontime_events=1_165, sessions=40, title_windows=90, watch_time_ms=1)
    ledger = FaultLedger(duplicates=10, late=20, malformed=100)
    # five events of skewed devices late, which the producer did not inject
    assert injected_differences(summary, ledger) == ["late rows: 25 in the lake, 20 injected"]
    assert injected_differences(summary, FaultLedger(duplicates=10, late=25, malformed=100)) == []
