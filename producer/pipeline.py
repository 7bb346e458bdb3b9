"""The producer end to end: catalog → simulated events → faults → device clocks → a sink.
``streamwatch produce`` wraps it.

Library use (the demo's entry point)::

    from producer.catalog import build_catalog, write_dim_title
    from producer.faults import FaultConfig
    from producer.kinesis_writer import JsonlWriter, KinesisWriter, make_client
    from producer.pipeline import default_start, produce_events

    catalog = build_catalog(seed=7)
    write_dim_title(catalog, "lake/reference/dim_title.jsonl")
    sink = KinesisWriter(make_client("us-east-1", endpoint), "streamwatch-events")  # or JsonlWriter(path)
    report, ledger = produce_events(
        100_000, seed=7, start=default_start(catalog, 100_000), faults=FaultConfig(duplicates=0.01),
        sink=sink, catalog=catalog,
    )
    # report: WriteReport(sent, retried, failed, seconds, records_per_second, errors)
    # ledger: FaultLedger(emitted, duplicates, late, malformed, outage_dropped, skewed_fast, skewed_slow)

The sink stamps each record's ``sent_at`` as it sends it. With devices whose clocks are off
(``producer.clock_skew``: 3 % of the devices 10 minutes fast, 3 % 4 minutes slow)::

    skew = ClockSkew((SkewShare(0.03, 10), SkewShare(0.03, -4)))
    report, ledger = produce_events(100_000, 7, start, FaultConfig(), sink, catalog=catalog, clock_skew=skew)

With an outage of one country's play starts (``producer.outage``; its start defaults to the middle
of the produced time range, which ``resolve_outage`` works out by simulating the events once more)::

    outage = resolve_outage(parse_outage("US:20"), catalog, 100_000, 7, start)   # outage.start is set
    report, ledger = produce_events(100_000, 7, start, FaultConfig(), sink, catalog=catalog, outage=outage)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone

from producer.catalog import Catalog, build_catalog
from producer.clock_skew import ClockSkew, apply_clock_skew
from producer.faults import FaultConfig, FaultLedger, event_ms, inject_faults
from producer.kinesis_writer import Sink, WriteReport
from producer.outage import Outage, drop_play_starts, resolve_start
from producer.simulator import estimate_start, generate_events

_PROGRESS_EVERY = 1_000
_FAULT_SEED_SALT = 0x5EED_FA17  # the fault knobs draw from their own stream, apart from the simulator's
_OUTAGE_SEED_SALT = 0x0D0A_6E5  # and so does the outage


def produce_events(
    count: int,
    seed: int,
    start: datetime,
    faults: FaultConfig,
    sink: Sink,
    *,
    catalog: Catalog | None = None,
    progress: Callable[[int], None] | None = None,
    outage: Outage | None = None,
    clock_skew: ClockSkew | None = None,
) -> tuple[WriteReport, FaultLedger]:
    """Simulate ``count`` events from ``start``, drop the play starts of an ``outage``, inject
    ``faults``, put the records of skewed devices on their clocks (``clock_skew``, picked by
    ``seed`` and device id), write the records to ``sink``.

    The faults see true event time, so the arrival order of the records is the same with and
    without ``clock_skew``; a skewed device's ``event_ts`` and ``sent_at`` both carry its offset.

    ``catalog`` defaults to ``build_catalog(seed)``. ``progress(n)`` is called with the number of
    simulated events consumed since its last call. Returns the sink's report and the fault ledger
    (records emitted = count − outage_dropped + duplicates + late + malformed; skewed_fast and
    skewed_slow of them came from devices with a skewed clock).
    """
    catalog = catalog if catalog is not None else build_catalog(seed)
    ledger = FaultLedger()
    events: Iterable[dict] = generate_events(catalog, count, seed, start)
    if progress is not None:
        events = _reporting(events, progress)
    if outage is not None:
        outage = resolve_outage(outage, catalog, count, seed, start)
        events = drop_play_starts(events, outage, ledger, seed=seed ^ _OUTAGE_SEED_SALT)
    records = inject_faults(events, faults, ledger, seed=seed ^ _FAULT_SEED_SALT)
    if clock_skew:
        records = apply_clock_skew(records, clock_skew, ledger, seed=seed)
    report = sink.write(records)
    return report, ledger


def resolve_outage(outage: Outage, catalog: Catalog, count: int, seed: int, start: datetime) -> Outage:
    """``outage`` with its start set; without one, the middle of the time range that ``count``
    events from ``start`` cover (found by simulating them once, without writing anything)."""
    if outage.start is not None:
        return outage
    first = last = None
    for event in generate_events(catalog, count, seed, start):
        last = event["event_ts"]
        if first is None:
            first = last
    if first is None:
        raise ValueError("an outage needs at least one event to place it in time")
    return resolve_start(outage, event_ms(first), event_ms(last))


def default_start(catalog: Catalog, count: int, now: datetime | None = None, *, margin: float = 1.2) -> datetime:
    """A start that makes ``count`` events end a little before ``now`` (whole milliseconds, UTC).

    ``margin`` > 1 starts earlier than the plain estimate, so the events rarely reach past ``now``.
    """
    now = now if now is not None else datetime.now(timezone.utc)
    start = estimate_start(catalog, round(count * margin), now)
    return start.replace(microsecond=start.microsecond // 1000 * 1000)


def _reporting(events: Iterable[dict], progress: Callable[[int], None]) -> Iterator[dict]:
    pending = 0
    for event in events:
        yield event
        pending += 1
        if pending == _PROGRESS_EVERY:
            progress(pending)
            pending = 0
    if pending:
        progress(pending)
