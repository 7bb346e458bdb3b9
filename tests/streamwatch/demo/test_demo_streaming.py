"""The streaming demo end to end: producer -> local Kinesis (moto) -> the real connector -> lake.

This is the Kinesis path of the job with the real Flink connector against moto's server, and the
streaming late-event check: late events injected by the producer land in late/ and in no metric.
"""

from __future__ import annotations

import pytest
from rich.console import Console

from streamwatch.demo.streaming import DemoSettings, run_stream_demo

pytestmark = [pytest.mark.flink, pytest.mark.kinesis]


@pytest.fixture(scope="module")
def result(connector_jar, tmp_path_factory):
    lake = tmp_path_factory.mktemp("demo") / "lake"
    settings = DemoSettings(events=4000, seed=5, lake=lake, late=0.01, duplicates=0.02, malformed=0.01,
                            checkpoint_interval_ms=2000)
    return run_stream_demo(settings, Console(quiet=True))


def test_every_delivered_record_is_accounted_for(result):
    summary = result.summary
    assert result.report.failed == 0 and summary.records_in == result.report.sent == result.ledger.emitted
    assert summary.adds_up


def test_faults_injected_by_the_producer_are_classified(result):
    summary, ledger = result.summary, result.ledger
    assert ledger.late > 10 and ledger.duplicates > 10 and ledger.malformed > 10
    assert summary.dlq_rows == ledger.malformed
    assert summary.late_rows == ledger.late
    assert summary.duplicates == ledger.duplicates


def test_late_events_are_in_no_metric(result):
    """Sessions count exactly the simulator's own events: none of the late ones."""
    assert result.summary.ontime_events == result.ledger.clean == 4000
    assert result.summary.sessions > 0 and result.summary.watch_time_ms > 0


def test_play_starts_per_minute_reach_cloudwatch(result, tmp_path_factory):
    """The demo's job publishes PlayStarts to the local CloudWatch: one total per minute, equal to
    the sum over countries and device types of processed/play_starts_1m."""
    from collections import Counter

    from streamwatch.analyses.lake import Lake

    lake = Lake(result.lake)
    totals = Counter()
    for row in lake.rows("processed/play_starts_1m"):
        totals[row["window_start"].to_pydatetime()] += row["play_starts"]
    assert totals and result.play_starts == {minute: float(n) for minute, n in totals.items()}
