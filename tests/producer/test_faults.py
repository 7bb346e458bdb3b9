"""The fault ledger against an independent scan of the records it describes (oracles in conftest.py).

``inject_faults`` gives events still to be stamped (``OutgoingEvent``) and malformed ``str``; the scan
reads each as the JSON text it stands for, without the ``sent_at`` a sink adds when it sends it."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timezone

import pytest

from producer.catalog import build_catalog
from producer.faults import FaultConfig, FaultLedger, inject_faults
from producer.simulator import generate_events

START = datetime(2026, 2, 1, 17, tzinfo=timezone.utc)
COUNT = 20_000
WATERMARK_DELAY_MS = 5_000  # the job's default allowed out-of-orderness (DESIGN §4)
FAULTS = FaultConfig(duplicates=0.02, out_of_order_ms=3_000, late=0.01, malformed=0.02)


@pytest.fixture(scope="module")
def events():
    return list(generate_events(build_catalog(5, users=1000), COUNT, 5, START))


def as_text(record) -> str:
    """A malformed record as it is; an event as the JSON of its dict (no ``sent_at``)."""
    return record if isinstance(record, str) else json.dumps(record.event)


@pytest.fixture(scope="module")
def injected(events):
    ledger = FaultLedger()
    records = [as_text(r) for r in inject_faults(iter(events), FAULTS, ledger, seed=99)]
    return records, ledger


def scan(records, check):
    """Classify every record the way the streaming job would (first arrival wins, 5 s watermark)."""
    found = Counter()
    seen: dict[str, str] = {}
    newest = None
    lags = {"original": [], "duplicate": [], "late": []}
    originals = []
    for record in records:
        if check.violation(record) is not None:
            found["malformed"] += 1
            continue
        event = json.loads(record)
        at = check.instant(event["event_ts"])
        lag = 0 if newest is None else max(0, newest - at)
        if event["event_id"] in seen:
            found["duplicates"] += 1
            assert seen[event["event_id"]] == record  # a redelivery is the same event, unchanged
            lags["duplicate"].append(lag)
        elif lag >= WATERMARK_DELAY_MS:
            found["late"] += 1
            lags["late"].append(lag)
            seen[event["event_id"]] = record
        else:
            lags["original"].append(lag)
            originals.append(event)
            seen[event["event_id"]] = record
        newest = at if newest is None else max(newest, at)
    return found, lags, originals


def test_all_knobs_off_is_one_plain_record_per_event_in_order(events, check):
    ledger = FaultLedger()
    records = [as_text(r) for r in inject_faults(iter(events[:2_000]), FaultConfig(), ledger, seed=1)]
    assert [json.loads(r) for r in records] == events[:2_000]
    assert all(check.violation(r) is None and "\n" not in r for r in records)
    assert ledger == FaultLedger(emitted=2_000, duplicates=0, late=0, malformed=0)


def test_ledger_matches_an_independent_scan(injected, check):
    records, ledger = injected
    found, _, _ = scan(records, check)
    assert ledger.emitted == len(records)
    assert found["duplicates"] == ledger.duplicates
    assert found["late"] == ledger.late
    assert found["malformed"] == ledger.malformed
    assert ledger.emitted == COUNT + ledger.duplicates + ledger.late + ledger.malformed
    # the fractions are roughly what was asked for
    assert 0.5 * 0.02 * COUNT < ledger.duplicates < 1.5 * 0.02 * COUNT
    assert 0.5 * 0.01 * COUNT < ledger.late < 1.5 * 0.01 * COUNT
    assert 0.5 * 0.02 * COUNT < ledger.malformed < 1.5 * 0.02 * COUNT


def test_the_clean_events_all_arrive_once_and_unchanged(injected, events, check):
    records, _ = injected
    _, _, originals = scan(records, check)
    assert sorted(originals, key=lambda e: e["event_id"]) == sorted(events, key=lambda e: e["event_id"])


def test_out_of_order_stays_strictly_within_the_bound_and_late_is_far_behind(injected, check):
    records, _ = injected
    _, lags, _ = scan(records, check)
    assert max(lags["original"]) < FAULTS.out_of_order_ms
    assert max(lags["original"]) > FAULTS.out_of_order_ms // 2  # the order really was shuffled
    assert sum(1 for lag in lags["original"] if lag > 0) > COUNT // 20
    assert max(lags["duplicate"]) < FAULTS.out_of_order_ms + FAULTS.duplicate_delay_ms
    assert min(lags["late"]) >= FAULTS.late_by_ms


def test_malformed_records_break_the_contract_in_many_ways(injected, check):
    records, _ = injected
    reasons = Counter(check.violation(r) for r in records) - Counter({None: len(records)})
    reasons.pop(None, None)
    assert len(reasons) >= 10, reasons
    assert {"not JSON", "not an object", "bad event_ts", "negative position_ms", "country not alpha-2"} <= set(reasons)
    assert any(r.startswith("missing") for r in reasons)
    assert all(len(r.encode()) < 1024 * 1024 and "\n" not in r and "\r" not in r for r in records)


def test_deterministic_under_the_seed(events, injected):
    again = [as_text(r) for r in inject_faults(iter(events), FAULTS, FaultLedger(), seed=99)]
    other = [as_text(r) for r in inject_faults(iter(events), FAULTS, FaultLedger(), seed=100)]
    assert again == injected[0]
    assert other != injected[0]


@pytest.mark.parametrize(
    "knobs, message",
    [
        ({"duplicates": 1.5}, "duplicates must be a fraction"),
        ({"malformed": -0.1}, "malformed must be a fraction"),
        ({"out_of_order_ms": -1}, "out_of_order_ms must be >= 0"),
        ({"late": 0.1, "out_of_order_ms": 700_000}, "late_by_ms"),
    ],
)
def test_config_rejects_nonsense(knobs, message):
    with pytest.raises(ValueError, match=message):
        FaultConfig(**knobs)
