"""``streamwatch batch``: the Glue batch jobs run locally for some dts (processed -> curated).

A thin CLI over ``batch.runner.run_local(lake, dts, tables=None, progress=None)``, behind the
completeness rule of ``batch.completeness`` (read from the lake by ``batch.stream_progress``).
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console


def _check_dt(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    from batch.args import JobArgumentError, validate_dt

    try:
        return tuple(validate_dt(v) for v in values)
    except JobArgumentError as error:
        raise click.BadParameter(str(error).replace("--dt ", "")) from None


@click.command("batch")
@click.option("--dt", "dts", multiple=True, callback=_check_dt,
              help="Day to build, YYYY-MM-DD (repeat for several).")
@click.option("--all-dts", is_flag=True, help="Build every dt the processed zone has.")
@click.option("--lake", type=click.Path(file_okay=False, path_type=Path), default=Path("lake"), show_default=True,
              help="Lake directory (processed/ and reference/ in, curated/ out).")
@click.option("--table", "tables", multiple=True,
              type=click.Choice(["dim_title", "daily_user_engagement", "daily_title_popularity", "daily_device_summary"]),
              help="Only these curated tables (repeatable) [default: all].")
@click.option("--force", is_flag=True,
              help="Build even if the stream has not finished the day (for a lake no stream writes to; "
                   "sessions still open would be missing).")
@click.option("--no-compact", is_flag=True,
              help="Do not compact the day's partitions first (by default each complete day's small files are "
                   "merged into files of up to 128 MiB before the build, as the AWS workflow does).")
def command(dts: tuple[str, ...], all_dts: bool, lake: Path, tables: tuple[str, ...], force: bool,
            no_compact: bool) -> None:
    """Run the Glue batch jobs locally on PySpark for one or more dts.

    Each job reads processed/ of the dt and replaces that dt's partition of its curated/ table, so a
    rerun leaves exactly one copy of the day. The same job scripts (batch/jobs/*.py) run on AWS Glue.

    A dt is built only once it is complete: the streaming job's published event time
    (processed/stream_progress) has passed the end of the day plus the session gap, or its input
    has ended (processed/stream_progress/_END_OF_INPUT). Otherwise the command refuses and says
    how far the stream is. --force skips that check, for a lake whose processed/ zone did not come
    from a running stream. Without a title catalog (reference/dim_title.jsonl) dim_title is skipped.

    Before building, each complete day is compacted (batch/compaction.py): in every hour partition
    of processed/sessions, title_watch_5m, play_starts_1m, raw/, dlq/ and late/, the small files
    are merged into files of up to 128 MiB, rows and Parquet layout unchanged; rerunning it is safe.
    A day built with --force before the stream finished it is not compacted. --no-compact skips it.

    \b
    Examples:
        streamwatch batch --dt 2026-11-20 --lake lake
        streamwatch batch --all-dts --lake lake --table daily_title_popularity
        streamwatch batch --dt 2024-03-09 --lake /data/other-lake --force
        streamwatch batch --dt 2026-11-20 --lake lake --no-compact
    """
    from batch.compaction import CompactionError
    from batch.runner import JobRun, processed_dts, run_local

    console = Console(soft_wrap=True)
    if not lake.is_dir():
        raise click.ClickException(f"lake directory not found: {lake}")
    chosen = list(dts) + [d for d in (processed_dts(lake) if all_dts else []) if d not in dts]
    if not chosen:
        raise click.UsageError("give --dt YYYY-MM-DD (or --all-dts)")
    incomplete = require_complete_days(lake, chosen, force, console)
    compact_dts = [] if no_compact else [dt for dt in chosen if dt not in incomplete]
    known = set(processed_dts(lake))
    for dt in chosen:
        if dt not in known:
            console.print(f"[yellow]warning[/yellow]: processed/ has nothing for dt={dt}; "
                          "its curated partitions will be empty")

    with console.status("starting Spark…") as status:

        def progress(table: str, dt: str, run: JobRun | None) -> None:
            if run is None:
                status.update(f"{table} for dt={dt}…")
            elif run.result.skipped:
                console.print(f"  {table:<24} dt={dt}  [yellow]skipped[/yellow]: {run.result.skipped}")
            else:
                console.print(f"  {table:<24} dt={dt}  {run.result.rows:>9,} rows  {run.seconds:6.1f}s")
                if run.result.copies_note():
                    console.print(f"  {'':<24} [yellow]{run.result.copies_note()}[/yellow]")

        def compacted(report) -> None:
            print_compaction(report, console)

        try:
            runs = run_local(lake, chosen, tables=list(tables) or None, progress=progress,
                             compact_dts=compact_dts, compacted=compacted)
        except (FileNotFoundError, ValueError, CompactionError) as error:
            raise click.ClickException(str(error)) from None
    total = sum(r.seconds for r in runs)
    console.print(f"[green]done[/green]: {len(runs)} job run(s) for {len(chosen)} dt(s) in {total:.1f}s "
                  f"-> {lake / 'curated'}")


def print_compaction(report, console: Console) -> None:
    """One line per zone of a ``batch.compaction.DayReport`` that has partitions for the day."""
    for zone in report.zones:
        if zone.partitions:
            console.print(f"  {'compact':<24} dt={report.dt}  {zone.line()}")


def require_complete_days(lake: Path, dts: list[str], force: bool, console: Console) -> list[str]:
    """Refuse (ClickException naming each dt and how far the stream is) unless every dt is complete;
    with ``force``, say which dts are built before the stream has finished them, and return them."""
    from batch.stream_progress import verdicts

    try:
        incomplete = [v for v in verdicts(lake, dts) if not v.complete]
    except (OSError, ValueError) as error:
        raise click.ClickException(f"cannot read the stream's progress in {lake}: {error}") from None
    if not incomplete:
        return []
    if force:
        for verdict in incomplete:
            console.print(f"[yellow]--force[/yellow]: building dt={verdict.dt} although "
                          f"{verdict.progress.describe()}; sessions still open may be missing (not compacted)")
        return [verdict.dt for verdict in incomplete]
    lines = [verdict.message() for verdict in incomplete]
    raise click.ClickException(
        "refusing to build a day the stream has not finished:\n  " + "\n  ".join(lines)
        + "\nRun it again later, or pass --force for a lake no stream writes to."
    )
