from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from producer.catalog import build_catalog
from producer.faults import FaultConfig
from producer.pipeline import default_start, produce_events
from producer.simulator import generate_events


START = datetime(2026, 2, 3, 19, tzinfo=timezone.utc)


def test_produce_events_without_faults_sends_the_simulated_events(check, list_sink):
    catalog = build_catalog(8, users=300)
    sink = list_sink()
    ticks = []
    report, ledger = produce_events(2_500, 8, START, FaultConfig(), sink, catalog=catalog, progress=ticks.append)
    assert [check.without_sent_at(r) for r in sink.records] == list(generate_events(catalog, 2_500, 8, START))
    assert all("sent_at" in json.loads(r) for r in sink.records)
    assert report.sent == ledger.emitted == 2_500
    assert (ledger.duplicates, ledger.late, ledger.malformed) == (0, 0, 0)
    assert sum(ticks) == 2_500


def test_produce_events_with_faults_accounts_for_every_record(check, list_sink):
    sink = list_sink()
    faults = FaultConfig(duplicates=0.05, late=0.05, malformed=0.05, out_of_order_ms=2_000)
    _, ledger = produce_events(4_000, 8, START, faults, sink)
    assert ledger.emitted == len(sink.records) == 4_000 + ledger.duplicates + ledger.late + ledger.malformed
    assert sum(check.violation(r) is not None for r in sink.records) == ledger.malformed
    assert ledger.duplicates > 0 and ledger.late > 0 and ledger.malformed > 0


def test_default_start_makes_events_recent(check):
    catalog = build_catalog(42, users=1000)
    for now in (datetime(2026, 3, 10, 3, 17, tzinfo=timezone.utc), datetime(2026, 3, 10, 20, 5, tzinfo=timezone.utc)):
        start = default_start(catalog, 10_000, now)
        assert start.tzinfo is not None and start.microsecond % 1000 == 0
        last = None
        for event in generate_events(catalog, 10_000, 42, start):
            last = event["event_ts"]
        end = check.instant(last)
        now_ms = int(now.timestamp() * 1000)
        assert now_ms - 8 * 3_600_000 < end < now_ms + 10 * 60_000
        assert now - start < timedelta(days=1)
