"""``streamwatch sps``: play starts per minute from ``processed/play_starts_1m``, against a baseline.

A thin CLI over ``streamwatch.analyses.play_starts``: ``zone.read_play_starts(lake)`` reads the series,
``assess.assess(series)`` applies the outage rule of ``baseline`` (documented there and in
docs/operations.md, ``play-starts-low``), ``terminal.show`` prints chart, table and summary.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

EXIT_FLAGGED = 3


def _parse_time(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO-8601 time such as 2026-01-31T22:30 (UTC)") from None
    return moment.replace(tzinfo=dt.timezone.utc) if moment.tzinfo is None else moment.astimezone(dt.timezone.utc)


@click.command("sps")
@click.option("--lake", type=click.Path(file_okay=False, path_type=Path), default=Path("lake"), show_default=True,
              help="Lake directory whose processed/play_starts_1m to read.")
@click.option("--from", "start", callback=_parse_time, metavar="TIME",
              help="First minute to show (ISO-8601, UTC if no offset) [default: the zone's first].")
@click.option("--to", "end", callback=_parse_time, metavar="TIME",
              help="Show the minutes before this time (exclusive) [default: up to the zone's last].")
@click.option("--by-country", is_flag=True, help="Add a column (table) or rows (csv, json) per country.")
@click.option("--rows", type=click.IntRange(min=0), default=30, show_default=True,
              help="Table rows: the last N minutes of the range (0: every minute).")
@click.option("--format", "output", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
              help="table: chart, table and summary; csv/json: one row per minute and series.")
@click.option("--check", is_flag=True, help=f"Exit with status {EXIT_FLAGGED} when an outage flag is raised in the range.")
def command(lake: Path, start: dt.datetime | None, end: dt.datetime | None, by_country: bool, rows: int,
            output: str, check: bool) -> None:
    """Print play starts per minute (total over countries and device types), chart them, and flag
    the minutes that fall far below the baseline of the trailing hour.

    The baseline of a minute is the median of the 60 minutes before it (leaving out minutes that
    were below); a minute is below when it is under both the median minus 2.5 robust standard
    deviations (at least √median) and 40% of the median; a series is flagged while 3 of its last 5
    minutes are below. The total and every country are judged, each over the whole zone (so --from
    keeps the hour before it as the baseline); the first 30 minutes of the zone are not judged. The
    last line says which flags were raised, or that none was. Details: docs/operations.md,
    play-starts-low.

    \b
    Examples:
        streamwatch sps --lake lake
        streamwatch sps --lake lake --from 2026-01-31T22:00 --to 2026-02-01T01:00 --by-country --check
        streamwatch sps --lake lake --format csv --by-country > play_starts.csv
    """
    from rich.console import Console

    from streamwatch.analyses.play_starts.assess import assess
    from streamwatch.analyses.play_starts.terminal import show, summary_line
    from streamwatch.analyses.play_starts.zone import ZONE, ZoneError, read_play_starts

    if not lake.is_dir():
        raise click.ClickException(f"lake directory not found: {lake}")
    if start is not None and end is not None and end <= start:
        raise click.UsageError(f"--to ({end:%Y-%m-%d %H:%M}) must be after --from ({start:%Y-%m-%d %H:%M})")
    try:
        starts = read_play_starts(lake)
    except ZoneError as error:
        raise click.ClickException(str(error)) from None
    if starts is None:
        raise click.ClickException(f"no play starts in {lake / ZONE}: the streaming job writes them "
                                   "(streamwatch stream or streamwatch demo)")
    first = 0 if start is None else max(0, -(-(start - starts.first) // dt.timedelta(minutes=1)))
    stop = len(starts) if end is None else min(len(starts), -(-(end - starts.first) // dt.timedelta(minutes=1)))
    if first >= stop:
        raise click.ClickException(
            f"no minute of {lake / ZONE} in the range: it holds {starts.minute(0):%Y-%m-%d %H:%M} to "
            f"{starts.minute(len(starts) - 1):%Y-%m-%d %H:%M} UTC")
    assessment = assess(starts)
    if output == "table":
        show(Console(), assessment, start=first, end=stop, rows=rows, by_country=by_country,
             title=f"Play starts per minute in {lake / ZONE}")
    else:
        records = _records(assessment, first, stop, by_country)
        if output == "json":
            click.echo(json.dumps(records, indent=1))
        else:
            click.echo(_csv(records), nl=False)
        click.echo(summary_line(assessment, starts.minute(first), starts.minute(stop)), err=True)
    if check and assessment.flags_between(starts.minute(first), starts.minute(stop)):
        raise SystemExit(EXIT_FLAGGED)


def _records(assessment, first: int, stop: int, by_country: bool) -> list[dict]:
    from streamwatch.analyses.play_starts.assess import TOTAL

    series = {TOTAL: assessment.total}
    if by_country:
        series.update(assessment.by_country)
    records = []
    for index in range(first, stop):
        minute = assessment.play_starts.minute(index).strftime("%Y-%m-%dT%H:%M:00Z")
        for name, judged in series.items():
            verdict = judged[index]
            records.append({"minute": minute, "series": name, "play_starts": verdict.count,
                            "baseline": verdict.baseline, "lower_edge": verdict.lower,
                            "below": verdict.below, "flagged": verdict.flagged})
    return records


def _csv(records: list[dict]) -> str:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(records[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue()
