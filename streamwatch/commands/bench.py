"""``streamwatch bench``: replay throughput of the full job vs a scan-only job, in one run."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="bench")
@click.option("--events", type=click.IntRange(min=1000), default=1_000_000, show_default=True,
              help="Events to generate and replay.")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--keep", type=click.Path(path_type=Path), help="Keep the input and both lakes in this directory.")
def command(events: int, seed: int, keep: Path | None) -> None:
    """Measure replay throughput and JVM peak memory of the full job against a scan-only job
    (same file source, parsing and validation, blackhole sink), and print their ratio.

    \b
    Example:
        streamwatch bench --events 1000000
    """
    from rich.console import Console
    from rich.table import Table

    from streamwatch.bench import run_bench

    console = Console()
    full, scan = run_bench(events, seed, console, keep)
    table = Table(title=f"Replay of {full.records:,} records (parallelism 1)", header_style="bold")
    for column in ("job", "run time (s)", "records/s", "JVM peak RSS (MiB)", "wall incl. JVM start (s)"):
        table.add_column(column, justify="right")
    for measure in (scan, full):
        table.add_row(measure.name, f"{measure.net_runtime_s:.1f}", f"{measure.records_per_second:,.0f}",
                      f"{measure.jvm_peak_rss_bytes / 2**20:,.0f}", f"{measure.wall_s:.1f}")
    console.print(table)
    console.print(f"full / scan-only throughput ratio: {full.records_per_second / scan.records_per_second:.2f}")
