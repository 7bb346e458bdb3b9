"""The outage knob: most play starts of one country vanish for a while, nothing else changes.

Oracles are plain Python over the simulator's events: which events an outage may remove, and
where the middle of the produced range lies, are worked out here from the events' own fields.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from producer.catalog import build_catalog
from producer.faults import FaultConfig, FaultLedger
from producer.outage import DEFAULT_FRACTION, Outage, drop_play_starts, middle_start, parse_outage
from producer.pipeline import produce_events, resolve_outage
from producer.simulator import generate_events

UTC = timezone.utc
START = datetime(2026, 2, 3, 19, tzinfo=UTC)
COUNT = 30_000
SEED = 8


def instant(event_ts: str) -> datetime:
    return datetime.fromisoformat(event_ts).astimezone(UTC)


@pytest.fixture(scope="module")
def catalog():
    return build_catalog(SEED, users=5000)


@pytest.fixture(scope="module")
def events(catalog):
    return list(generate_events(catalog, COUNT, SEED, START))


def in_outage(event: dict, country: str, begin: datetime, minutes: int) -> bool:
    return (event["event_type"] == "play" and event["country"] == country
            and begin <= instant(event["event_ts"]) < begin + timedelta(minutes=minutes))


@pytest.mark.parametrize("text, country, minutes, start", [
    ("US:20", "US", 20, None),
    (" BR:5 ", "BR", 5, None),
    ("US:20@2026-01-31T23:30Z", "US", 20, datetime(2026, 1, 31, 23, 30, tzinfo=UTC)),
    ("DE:1@2026-01-31T23:30", "DE", 1, datetime(2026, 1, 31, 23, 30, tzinfo=UTC)),  # no offset: UTC
    ("JP:3@2026-02-01T08:30+09:00", "JP", 3, datetime(2026, 1, 31, 23, 30, tzinfo=UTC)),
])
def test_parse_outage(text, country, minutes, start):
    outage = parse_outage(text)
    assert (outage.country, outage.minutes, outage.start, outage.fraction) == (country, minutes, start, 0.9)


@pytest.mark.parametrize("text, message", [
    ("US", "is not COUNTRY:MINUTES"), ("us:20", "is not COUNTRY:MINUTES"), ("USA:20", "is not COUNTRY:MINUTES"),
    ("US:-3", "is not COUNTRY:MINUTES"), ("US:0", "at least 1 minute"), ("US:20@tomorrow", "not an ISO-8601 time"),
])
def test_parse_outage_says_what_to_write(text, message):
    with pytest.raises(ValueError, match=message):
        parse_outage(text)


def test_middle_start_is_halfway_down_to_the_minute():
    first = datetime(2026, 1, 31, 22, 0, 0, 250000, tzinfo=UTC)
    last = datetime(2026, 2, 1, 1, 7, 31, tzinfo=UTC)
    ms = lambda d: int(d.timestamp() * 1000)  # noqa: E731
    # halfway is 23:33:45.625 -> 23:33
    assert middle_start(ms(first), ms(last)) == datetime(2026, 1, 31, 23, 33, tzinfo=UTC)


def test_drop_takes_about_the_fraction_of_the_country_plays_in_the_window_and_nothing_else(events):
    country = Counter(e["country"] for e in events).most_common(1)[0][0]
    begin = datetime(2026, 2, 3, 19, 5, tzinfo=UTC)
    assert instant(events[-1]["event_ts"]) > begin + timedelta(minutes=30)
    ledger = FaultLedger()
    kept = list(drop_play_starts(iter(events), Outage(country, 30, begin), ledger, seed=3))
    candidates = [e for e in events if in_outage(e, country, begin, 30)]
    assert len(candidates) > 120, "the window must hold enough plays for the fraction to be measurable"
    kept_ids = {e["event_id"] for e in kept}
    dropped = [e for e in events if e["event_id"] not in kept_ids]
    assert dropped and all(in_outage(e, country, begin, 30) for e in dropped)
    assert kept == [e for e in events if e["event_id"] in kept_ids]  # the rest, unchanged and in order
    assert ledger.outage_dropped == len(dropped) == len(events) - len(kept)
    assert 0.8 < len(dropped) / len(candidates) < 0.97  # DEFAULT_FRACTION = 0.9, binomial spread
    assert DEFAULT_FRACTION == 0.9
    again = list(drop_play_starts(iter(events), Outage(country, 30, begin), FaultLedger(), seed=3))
    assert again == kept


def test_an_outage_outside_the_events_drops_nothing(events):
    ledger = FaultLedger()
    kept = list(drop_play_starts(iter(events), Outage("US", 30, datetime(2030, 1, 1, tzinfo=UTC)), ledger, seed=1))
    assert kept == events and ledger.outage_dropped == 0


def test_an_unplaced_outage_is_refused(events):
    with pytest.raises(ValueError, match="needs a start"):
        list(drop_play_starts(iter(events), Outage("US", 30), FaultLedger(), seed=1))


def test_resolve_outage_defaults_to_the_middle_of_the_produced_range(catalog, events):
    first, last = instant(events[0]["event_ts"]), instant(events[-1]["event_ts"])
    middle = first + (last - first) / 2
    expected = middle.replace(second=0, microsecond=0)
    assert resolve_outage(Outage("US", 20), catalog, COUNT, SEED, START).start == expected
    own = datetime(2026, 2, 3, 20, 15, tzinfo=UTC)
    assert resolve_outage(Outage("US", 20, own), catalog, COUNT, SEED, START).start == own
    with pytest.raises(ValueError, match="at least one event"):
        resolve_outage(Outage("US", 20), catalog, 0, SEED, START)


def test_produce_events_with_an_outage_and_faults_keeps_the_accounting_true(catalog, events, list_sink, check):
    country = Counter(e["country"] for e in events).most_common(1)[0][0]
    sink = list_sink()
    faults = FaultConfig(duplicates=0.02, late=0.01, malformed=0.01, out_of_order_ms=2_000)
    _, ledger = produce_events(COUNT, SEED, START, faults, sink, catalog=catalog, outage=Outage(country, 40))
    assert ledger.outage_dropped > 100
    assert len(sink.records) == ledger.emitted
    assert ledger.emitted == COUNT - ledger.outage_dropped + ledger.duplicates + ledger.late + ledger.malformed
    assert ledger.clean == COUNT - ledger.outage_dropped
    # without the faults the records are exactly the simulated events minus the dropped plays
    plain = list_sink()
    _, plain_ledger = produce_events(COUNT, SEED, START, FaultConfig(), plain, catalog=catalog,
                                     outage=Outage(country, 40))
    sent = [check.without_sent_at(r) for r in plain.records]
    sent_ids = {e["event_id"] for e in sent}
    missing = [e for e in events if e["event_id"] not in sent_ids]
    begin = resolve_outage(Outage(country, 40), catalog, COUNT, SEED, START).start
    assert len(missing) == plain_ledger.outage_dropped == ledger.outage_dropped
    assert all(in_outage(e, country, begin, 40) for e in missing)
    assert sent == [e for e in events if e["event_id"] in sent_ids]


def test_outage_values_are_checked():
    for kwargs, message in (({"country": "usa", "minutes": 3}, "alpha-2"), ({"country": "US", "minutes": 0}, "1 minute"),
                            ({"country": "US", "minutes": 3, "fraction": 0}, "fraction"),
                            ({"country": "US", "minutes": 3, "start": datetime(2026, 1, 1)}, "timezone-aware")):
        with pytest.raises(ValueError, match=message):
            Outage(**kwargs)
