"""``streamwatch produce``: simulated playback events into Kinesis or a JSONL file.

A thin CLI over the library function the demo calls too::

    producer.pipeline.produce_events(count, seed, start, faults: FaultConfig, sink, *, catalog=None,
                                     progress=None, outage=None, clock_skew=None)
        -> tuple[WriteReport, FaultLedger]

where ``sink`` is ``producer.kinesis_writer.KinesisWriter(client, stream_name, ...)`` or
``JsonlWriter(path)``; it is re-exported here as ``produce_events``. See ``producer/pipeline.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import click

from producer.pipeline import produce_events

if TYPE_CHECKING:
    from producer.catalog import Catalog
    from producer.clock_skew import ClockSkew
    from producer.faults import FaultConfig, FaultLedger
    from producer.kinesis_writer import Sink, WriteReport
    from producer.outage import Outage

__all__ = ["command", "produce_events"]

DEFAULT_STREAM_CATALOG = Path("lake/reference/dim_title.jsonl")


def _parse_start(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO-8601 time such as 2026-01-31T00:00:00Z") from None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def _parse_outage(ctx: click.Context, param: click.Parameter, value: str | None) -> Outage | None:
    if value is None:
        return None
    from producer.outage import parse_outage

    try:
        return parse_outage(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def _parse_clock_skew(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> ClockSkew | None:
    if not values:
        return None
    from producer.clock_skew import parse_clock_skew

    try:
        return parse_clock_skew(values)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@click.command("produce")
@click.option("--events", "count", type=click.IntRange(min=1), required=True, help="How many events to simulate.")
@click.option("--seed", type=int, default=42, show_default=True, help="Seed of the catalog, the events and the faults.")
@click.option("--users", type=click.IntRange(min=1), default=1000, show_default=True, help="Users in the catalog.")
@click.option("--rate", type=click.FloatRange(min=0, min_open=True), help="Records per second at most (--stream only).")
@click.option("--stream", help="Kinesis stream name to write to.")
@click.option("--endpoint", help="Kinesis endpoint URL, e.g. a local one (--stream only).")
@click.option("--region", envvar=["AWS_REGION", "AWS_DEFAULT_REGION"], default="us-east-1", show_default=True,
              help="AWS region of the stream (--stream only).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="JSONL file to write instead.")
@click.option("--catalog-out", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write dim_title [default: FILE.dim_title.jsonl beside --out, or "
                   "lake/reference/dim_title.jsonl with --stream].")
@click.option("--start", callback=_parse_start,
              help="Event time of the first event (ISO-8601, UTC if no offset) "
                   "[default: so that the events end about now].")
@click.option("--duplicates", type=click.FloatRange(0, 1), default=0.0, help="Fraction of events delivered twice.")
@click.option("--out-of-order-ms", type=click.IntRange(min=0), default=0,
              help="Shuffle arrival order, keeping every event less than this many ms behind the newest.")
@click.option("--late", type=click.FloatRange(0, 1), default=0.0,
              help="Fraction of extra events, each --late-by-ms or more behind the newest (late).")
@click.option("--late-by-ms", type=click.IntRange(min=1), default=600_000, show_default=True,
              help="How far behind the newest event a late event is, at least.")
@click.option("--malformed", type=click.FloatRange(0, 1), default=0.0,
              help="Fraction of extra records that break the event contract.")
@click.option("--outage", callback=_parse_outage, metavar="COUNTRY:MINUTES[@START]",
              help="Drop 90% of the play events of COUNTRY for MINUTES minutes of event time, from START "
                   "(ISO-8601) or else the middle of the produced time range; dropped plays are not sent.")
@click.option("--clock-skew", "clock_skew", multiple=True, callback=_parse_clock_skew, metavar="SHARE:MINUTES",
              help="Give SHARE (0-1) of the devices a clock MINUTES off: +10 or 10 fast, -4 slow, fractions "
                   "allowed; repeatable, shares adding up to at most 1. Their event_ts and sent_at both "
                   "carry the offset; which devices follows from the seed and the device id.")
@click.option("--record-ttl", "record_ttl", type=click.FloatRange(min=0, min_open=True), default=30.0,
              show_default=True, metavar="SECONDS",
              help="How long a record is retried (backoff with jitter) before it is given up, like the KPL's "
                   "record TTL (--stream only).")
def command(
    count: int, seed: int, users: int, rate: float | None, stream: str | None, endpoint: str | None, region: str,
    out: Path | None, catalog_out: Path | None, start: datetime | None, duplicates: float, out_of_order_ms: int,
    late: float, late_by_ms: int, malformed: float, outage: Outage | None, clock_skew: ClockSkew | None,
    record_ttl: float,
) -> None:
    """Simulate viewers and send their playback events to Kinesis (--stream) or a JSONL file (--out).

    Writes the title catalog (dim_title) too, then prints what was sent, retried and failed, and
    what faults were injected. Every event carries sent_at, the device's clock when it was sent
    (stamped on each attempt). Exits non-zero when records could not be delivered.

    \b
    Examples:
        streamwatch produce --events 10000 --out events.jsonl
        streamwatch produce --events 100000 --stream streamwatch-events \\
            --endpoint http://127.0.0.1:4567 --duplicates 0.01 --late 0.002 --malformed 0.005
        streamwatch produce --events 300000 --users 20000 --out events.jsonl --outage US:20
        streamwatch produce --events 10000 --out events.jsonl --clock-skew 0.03:+10 --clock-skew 0.03:-4
    """
    # Imported here so that `--help` stays instant.
    from producer.catalog import build_catalog, write_dim_title
    from producer.faults import FaultConfig
    from producer.kinesis_writer import JsonlWriter, KinesisWriter, RetryPolicy, make_client
    from producer.pipeline import default_start, resolve_outage

    if (stream is None) == (out is None):
        raise click.UsageError("give exactly one destination: --stream NAME (Kinesis) or --out FILE.jsonl")
    if out is not None:
        for name, value in (("--endpoint", endpoint), ("--rate", rate)):
            if value is not None:
                raise click.UsageError(f"{name} applies to --stream only; drop it or write to a stream")
    try:
        faults = FaultConfig(
            duplicates=duplicates, out_of_order_ms=out_of_order_ms, late=late, late_by_ms=late_by_ms,
            malformed=malformed,
        )
    except ValueError as error:
        raise click.UsageError(str(error)) from None

    catalog = build_catalog(seed, users=users)
    first_event = start if start is not None else default_start(catalog, count)
    if outage is not None:
        outage = resolve_outage(outage, catalog, count, seed, first_event)
    if catalog_out is None:
        catalog_out = out.with_name(f"{out.stem}.dim_title.jsonl") if out is not None else DEFAULT_STREAM_CATALOG
    write_dim_title(catalog, catalog_out)

    if out is not None:
        sink = JsonlWriter(out)
        destination = str(out)
    else:
        client = make_client(region, endpoint)
        sink = KinesisWriter(client, stream, rate=rate, retry=RetryPolicy(record_ttl_s=record_ttl), key_order=True)
        destination = f"stream {stream}" + (f" at {endpoint}" if endpoint else f" in {region}")

    report, ledger = _run_with_progress(count, seed, first_event, faults, sink, catalog, destination, outage,
                                        clock_skew)
    _print_summary(report, ledger, count, destination, catalog_out, first_event, outage, clock_skew)
    if report.failed:
        raise click.ClickException(
            f"{report.failed} of {ledger.emitted} records were not delivered to {destination}"
            + (f" within {record_ttl:g} s of retries each" if stream else "")
            + f" (errors: {_format_errors(report.errors)})"
        )


def _run_with_progress(
    count: int, seed: int, start: datetime, faults: FaultConfig, sink: Sink, catalog: Catalog, destination: str,
    outage: Outage | None, clock_skew: ClockSkew | None,
) -> tuple[WriteReport, FaultLedger]:
    from botocore.exceptions import BotoCoreError, ClientError
    from rich.console import Console
    from rich.progress import (
        BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TaskProgressColumn(), TimeElapsedColumn(), TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task("events", total=count)
        try:
            return produce_events(
                count, seed, start, faults, sink, catalog=catalog, progress=lambda n: bar.advance(task, n),
                outage=outage, clock_skew=clock_skew,
            )
        except (BotoCoreError, ClientError) as error:
            raise click.ClickException(f"writing to {destination} failed: {error}") from error


def _print_summary(
    report: WriteReport, ledger: FaultLedger, count: int, destination: str, catalog_out: Path, start: datetime,
    outage: Outage | None, clock_skew: ClockSkew | None,
) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="streamwatch produce", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    rows = [
        ("destination", destination),
        ("catalog (dim_title)", str(catalog_out)),
        ("first event time", start.isoformat(timespec="milliseconds").replace("+00:00", "Z")),
        ("events simulated", f"{count:,}"),
        *(_outage_rows(outage, ledger) if outage is not None else []),
        ("records emitted", f"{ledger.emitted:,}"),
        ("  duplicates injected", f"{ledger.duplicates:,}"),
        ("  late injected", f"{ledger.late:,}"),
        ("  malformed injected", f"{ledger.malformed:,}"),
        *(_clock_skew_rows(clock_skew, ledger) if clock_skew is not None else []),
        ("sent", f"{report.sent:,}"),
        ("retried", f"{report.retried:,}"),
        ("failed", f"{report.failed:,}"),
        ("seconds", f"{report.seconds:,.2f}"),
        ("records/s", f"{report.records_per_second:,.0f}"),
    ]
    if report.errors:
        rows.append(("errors", _format_errors(report.errors)))
    for name, value in rows:
        table.add_row(name, value)
    Console(soft_wrap=True).print(table)


def _outage_rows(outage: Outage, ledger: FaultLedger) -> list[tuple[str, str]]:
    stamp = "%Y-%m-%dT%H:%M:%SZ"
    return [
        ("outage", f"{outage.country}: {outage.fraction:.0%} of play starts, {outage.minutes} min"),
        ("  from (event time)", outage.start.strftime(stamp)),
        ("  until", outage.end.strftime(stamp)),
        ("  play events dropped (not sent)", f"{ledger.outage_dropped:,}"),
    ]


def _clock_skew_rows(clock_skew: ClockSkew, ledger: FaultLedger) -> list[tuple[str, str]]:
    return [
        ("  skewed device clocks", clock_skew.describe()),
        ("    from fast device clocks", f"{ledger.skewed_fast:,}"),
        ("    from slow device clocks", f"{ledger.skewed_slow:,}"),
    ]


def _format_errors(errors: Mapping[str, int]) -> str:
    return ", ".join(f"{code} ×{n}" for code, n in sorted(errors.items())) or "none"
