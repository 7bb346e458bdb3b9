"""``streamwatch load``: one dt of the curated zone into the warehouse.

A thin CLI over ``warehouse.loader.load_dt(target, dt, progress=None)`` with
``warehouse.targets.DuckDBTarget(lake)`` or ``RedshiftTarget(RedshiftSettings.from_env())``.
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

REDSHIFT_ENV_HELP = (
    "Redshift connection from REDSHIFT_HOST, REDSHIFT_PORT (5439), REDSHIFT_DATABASE, REDSHIFT_USER, "
    "REDSHIFT_PASSWORD; COPY reads STREAMWATCH_LAKE_URI (s3://bucket/prefix) with REDSHIFT_COPY_ROLE_ARN."
)


@click.command("load", epilog=REDSHIFT_ENV_HELP)
@click.option("--dt", "dts", multiple=True, required=True, help="Day to load, YYYY-MM-DD (repeat for several).")
@click.option("--lake", type=click.Path(file_okay=False, path_type=Path), default=Path("lake"), show_default=True,
              help="Lake directory; the local warehouse is <lake>/warehouse.duckdb.")
@click.option("--target", type=click.Choice(["duckdb", "redshift"]), default="duckdb", show_default=True,
              help="Local DuckDB file, or a real Redshift (settings from the environment).")
def command(dts: tuple[str, ...], lake: Path, target: str) -> None:
    """Load one or more dts into the warehouse with the Redshift SQL in sql/redshift/.

    Creates missing tables, applies the schema migrations the warehouse lacks and refreshes the
    views, then per table: COPY the dt's Parquet into a temporary staging table, replace the dt of
    the fact table with one row per key (the titles are merged), all in one transaction. Loading
    the same dt again leaves the warehouse unchanged. Locally the statements are translated to
    DuckDB by sqlglot (COPY becomes a read of the lake's Parquet files).

    \b
    Examples:
        streamwatch load --dt 2026-11-20 --lake lake
        streamwatch load --dt 2026-11-20 --target redshift
    """
    from batch.args import JobArgumentError, validate_dt
    from warehouse.loader import load_dt
    from warehouse.targets import DuckDBTarget, RedshiftSettings, RedshiftTarget, SettingsError

    console = Console(soft_wrap=True)
    try:
        for dt in dts:
            validate_dt(dt)
    except JobArgumentError as error:
        raise click.BadParameter(str(error), param_hint="--dt") from None
    try:
        if target == "duckdb":
            if not lake.is_dir():
                raise click.ClickException(f"lake directory not found: {lake}")
            warehouse = DuckDBTarget(lake)
        else:
            warehouse = RedshiftTarget(RedshiftSettings.from_env())
    except SettingsError as error:
        raise click.ClickException(str(error)) from None
    try:
        for dt in dts:
            with console.status(f"loading dt={dt}…") as status:
                report = load_dt(warehouse, dt, progress=lambda name: status.update(f"dt={dt}: {name}"))
            console.print(f"dt={dt} loaded in {report.seconds:.2f}s")
            for step in report.steps:
                note = "" if step.data_files else "  (no data files: the day is empty)"
                console.print(f"  {step.target:<20} {step.staged_rows:>9,} staged  {step.target_rows:>9,} in target{note}")
    finally:
        warehouse.close()
    where = lake / "warehouse.duckdb" if target == "duckdb" else "Redshift"
    console.print(f"[green]done[/green] -> {where}")
