"""``streamwatch backfill``: batch and load every day of a range, one day at a time.

A thin CLI over ``streamwatch.local.backfill.run_backfill(lake, days, target)``, behind the same
completeness check as ``streamwatch batch``.
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console


@click.command("backfill")
@click.option("--from", "first", required=True, metavar="YYYY-MM-DD", help="First day of the range.")
@click.option("--to", "last", required=True, metavar="YYYY-MM-DD", help="Last day of the range (included).")
@click.option("--lake", type=click.Path(file_okay=False, path_type=Path), default=Path("lake"), show_default=True,
              help="Lake directory (processed/ in, curated/ and the local warehouse out).")
@click.option("--target", type=click.Choice(["duckdb", "redshift"]), default="duckdb", show_default=True,
              help="Local DuckDB file, or a real Redshift (settings from the environment, see `load --help`).")
@click.option("--force", is_flag=True,
              help="Build days the stream has not finished (for a lake no stream writes to).")
@click.option("--no-compact", is_flag=True,
              help="Do not compact each day's partitions before its batch (see `streamwatch batch --help`).")
def command(first: str, last: str, lake: Path, target: str, force: bool, no_compact: bool) -> None:
    """Rebuild and reload every day from --from to --to, in order: batch, then load, per day.

    Every day must be complete (see `streamwatch batch --help`), else nothing is done. Each step
    replaces exactly its day, so a backfill can be run again or resumed safely. On AWS the same is
    one execution of the daily workflow with {"from": ..., "to": ...} (see docs/operations.md).
    Each complete day is compacted first (its small files merged, rows unchanged), unless --no-compact.

    \b
    Examples:
        streamwatch backfill --from 2026-11-20 --to 2026-11-24 --lake lake
        streamwatch backfill --from 2024-03-09 --to 2024-03-11 --lake /data/other-lake --force
        streamwatch backfill --from 2026-11-20 --to 2026-11-24 --lake lake --no-compact
    """
    from streamwatch.local.backfill import days_between, run_backfill
    from batch.compaction import CompactionError
    from streamwatch.commands.batch import print_compaction, require_complete_days
    from warehouse.targets import DuckDBTarget, RedshiftSettings, RedshiftTarget, SettingsError

    console = Console(soft_wrap=True)
    try:
        days = days_between(first, last)
    except ValueError as error:
        raise click.BadParameter(str(error).replace("--dt ", ""), param_hint="--from/--to") from None
    if not lake.is_dir():
        raise click.ClickException(f"lake directory not found: {lake}")
    incomplete = require_complete_days(lake, days, force, console)
    compact_dts = [] if no_compact else [dt for dt in days if dt not in incomplete]
    try:
        warehouse = DuckDBTarget(lake) if target == "duckdb" else RedshiftTarget(RedshiftSettings.from_env())
    except SettingsError as error:
        raise click.ClickException(str(error)) from None
    try:
        with console.status("starting Spark…") as status:
            results = run_backfill(lake, days, warehouse,
                                   on_day=lambda dt, step: status.update(f"dt={dt}: {step}…"),
                                   compact_dts=compact_dts, compacted=lambda r: print_compaction(r, console))
            for result in results:
                rows = ", ".join(f"{s.target} {s.target_rows:,}" for s in result.load.steps)
                skipped = [r.result.table for r in result.job_runs if r.result.skipped]
                note = f" (skipped: {', '.join(skipped)})" if skipped else ""
                console.print(f"  dt={result.dt}: {len(result.job_runs)} job(s){note}; loaded {rows}")
    except (FileNotFoundError, ValueError, CompactionError) as error:
        raise click.ClickException(str(error)) from None
    finally:
        warehouse.close()
    console.print(f"[green]done[/green]: {len(days)} day(s) rebuilt and loaded")
