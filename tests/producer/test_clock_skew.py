"""Devices with a skewed clock: who is skewed, by how much, and what it changes in the records.

The oracles are plain Python: offsets are read back from the records' own timestamps with the
conftest's ``instant`` and compared with a run of the same seed without skew; expected timestamps
are written out by hand.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import datetime, timezone

import pytest

from producer.catalog import build_catalog
from producer.clock_skew import ClockSkew, SkewShare, parse_clock_skew, parse_skew_share, shift_event_ts
from producer.faults import FaultConfig
from producer.pipeline import produce_events

START = datetime(2026, 2, 3, 19, tzinfo=timezone.utc)
SEED = 12
FAST_MS, SLOW_MS = 10 * 60_000, -4 * 60_000
FAULTS = FaultConfig(duplicates=0.03, out_of_order_ms=2_000, late=0.01, malformed=0.02)


@pytest.mark.parametrize("text, share, minutes", [
    ("0.03:+10", 0.03, 10.0),
    ("0.03:10", 0.03, 10.0),
    ("0.05:-4", 0.05, -4.0),
    ("0.5:2.5", 0.5, 2.5),
    (".2:-0.25", 0.2, -0.25),
    (" 1 : +1 ", 1.0, 1.0),
    ("0:10", 0.0, 10.0),
])
def test_parse_a_share(text, share, minutes):
    assert parse_skew_share(text) == SkewShare(share, minutes)


def test_fractional_minutes_are_whole_milliseconds():
    assert parse_skew_share("0.1:2.5").offset_ms == 150_000
    assert parse_skew_share("0.1:-0.0001").offset_ms == -6  # 6 ms slow


@pytest.mark.parametrize("text, message", [
    ("0.03", "is not SHARE:MINUTES"),
    ("3%:10", "is not SHARE:MINUTES"),
    ("0.03:+10m", "is not SHARE:MINUTES"),
    ("0.03:ten", "is not SHARE:MINUTES"),
    ("0.03:nan", "is not SHARE:MINUTES"),
    ("-0.1:10", "is not SHARE:MINUTES"),
    ("1.5:10", "between 0 and 1"),
    ("0.1:0", "not skewed"),
    ("0.1:0.000001", "not skewed"),  # under a millisecond
    ("0.1:600000", "at most 525,600 minutes"),
])
def test_parse_says_what_to_write(text, message):
    with pytest.raises(ValueError, match=message):
        parse_skew_share(text)


def test_shares_add_up_to_at_most_one():
    assert parse_clock_skew(["0.5:+10", "0.5:-4"]).shares == (SkewShare(0.5, 10), SkewShare(0.5, -4))
    with pytest.raises(ValueError, match="add up to 1.1"):
        parse_clock_skew(["0.6:+10", "0.5:-4"])
    assert not ClockSkew() and not ClockSkew((SkewShare(0, 5),))


def test_shift_keeps_the_way_the_time_was_written():
    assert shift_event_ts("2026-02-28T23:55:00.123Z", FAST_MS) == "2026-03-01T00:05:00.123Z"
    assert shift_event_ts("2026-02-01T05:30:00.000+05:30", FAST_MS) == "2026-02-01T05:40:00.000+05:30"
    assert shift_event_ts("2026-02-01T00:01:00.000-05:00", SLOW_MS) == "2026-01-31T23:57:00.000-05:00"


def test_the_asked_share_of_many_devices_is_skewed_and_each_device_keeps_its_offset():
    skew = ClockSkew((SkewShare(0.03, 10), SkewShare(0.05, -4)))
    devices = [f"dev-{n:012x}" for n in range(0, 40_000 * 7919, 7919)]
    offsets = {device: skew.offset_ms(device, seed=SEED) for device in devices}
    counts = Counter(offsets.values())
    assert set(counts) == {FAST_MS, SLOW_MS, 0}
    # binomial spread over 40,000 devices: about 0.0009 (3 %) and 0.0011 (5 %); allow 5 of them
    assert abs(counts[FAST_MS] / len(devices) - 0.03) < 0.0045
    assert abs(counts[SLOW_MS] / len(devices) - 0.05) < 0.0055
    again = {device: skew.offset_ms(device, seed=SEED) for device in reversed(devices)}
    assert again == offsets  # whatever the order of the calls
    other_seed = {device: skew.offset_ms(device, seed=SEED + 1) for device in devices}
    assert other_seed != offsets
    # adding a share leaves the devices of the first one where they were
    wider = ClockSkew((SkewShare(0.03, 10), SkewShare(0.05, -4), SkewShare(0.1, 1)))
    assert all(wider.offset_ms(d, seed=SEED) == o for d, o in offsets.items() if o)


@pytest.fixture(scope="module")
def runs(list_sink):
    """The same seed and faults produced twice, without and with skewed devices."""
    catalog = build_catalog(SEED, users=400)
    plain, skewed = list_sink(), list_sink()
    _, plain_ledger = produce_events(6_000, SEED, START, FAULTS, plain, catalog=catalog)
    skew = ClockSkew((SkewShare(0.2, 10), SkewShare(0.2, -4)))
    _, skewed_ledger = produce_events(6_000, SEED, START, FAULTS, skewed, catalog=catalog, clock_skew=skew)
    return plain, plain_ledger, skewed, skewed_ledger


def test_a_skewed_device_shifts_event_ts_and_sent_at_by_its_offset_and_nothing_else(runs, check):
    plain, _, skewed, _ = runs
    assert len(plain.records) == len(skewed.records)
    per_device: dict[str, set[int]] = defaultdict(set)
    for before, after in zip(plain.records, skewed.records):
        if check.violation(before) is not None:  # malformed: exactly as it was, no sent_at
            assert after == before
            continue
        a, b = json.loads(before), json.loads(after)
        assert a["event_id"] == b["event_id"]  # the same arrival order
        shift = check.instant(b["event_ts"]) - check.instant(a["event_ts"])
        assert check.instant(b["sent_at"]) - check.instant(a["sent_at"]) == shift
        assert shift in (0, FAST_MS, SLOW_MS)
        assert b["event_ts"][-1] == a["event_ts"][-1] and len(b["event_ts"]) == len(a["event_ts"])  # Z or offset
        assert {k: v for k, v in b.items() if k not in ("event_ts", "sent_at")} == \
               {k: v for k, v in a.items() if k not in ("event_ts", "sent_at")}
        per_device[a["device_id"]].add(shift)
    assert all(len(shifts) == 1 for shifts in per_device.values())  # a device is always as far off
    shares = Counter(next(iter(shifts)) for shifts in per_device.values())
    assert shares[FAST_MS] > 0.1 * len(per_device) and shares[SLOW_MS] > 0.1 * len(per_device)


def test_the_ledger_counts_the_records_of_fast_and_slow_devices(runs, check):
    plain, plain_ledger, skewed, skewed_ledger = runs
    shifts = Counter()
    for before, after in zip(plain.records, skewed.records):
        if check.violation(before) is None:
            shifts[check.instant(json.loads(after)["event_ts"]) - check.instant(json.loads(before)["event_ts"])] += 1
    assert (skewed_ledger.skewed_fast, skewed_ledger.skewed_slow) == (shifts[FAST_MS], shifts[SLOW_MS])
    assert (plain_ledger.skewed_fast, plain_ledger.skewed_slow) == (0, 0)
    # the faults are the same ones: skew is no fault and changes none of the sums
    for name in ("emitted", "duplicates", "late", "malformed"):
        assert getattr(skewed_ledger, name) == getattr(plain_ledger, name)
    assert skewed_ledger.duplicates > 0 and skewed_ledger.late > 0 and skewed_ledger.malformed > 0


def test_a_redelivery_is_a_new_attempt_with_its_own_sent_at(runs):
    _, _, skewed, _ = runs
    first: dict[str, dict] = {}
    redeliveries = 0
    for record in skewed.records:
        try:
            event = json.loads(record)
        except ValueError:
            continue
        if not isinstance(event, dict) or "sent_at" not in event:
            continue
        if event["event_id"] in first:
            earlier = first[event["event_id"]]
            assert event["sent_at"] > earlier["sent_at"]  # the list sink's clock moved on
            assert {k: v for k, v in event.items() if k != "sent_at"} == \
                   {k: v for k, v in earlier.items() if k != "sent_at"}
            redeliveries += 1
        else:
            first[event["event_id"]] = event
    assert redeliveries > 50
