"""``streamwatch bench``: replay throughput of the full job against Flink's json-format scan, in one run."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="bench")
@click.option("--events", type=click.IntRange(min=1000), default=1_000_000, show_default=True,
              help="Events to generate and replay.")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--users", type=click.IntRange(min=1), default=None,
              help="Simulated users of the input [default: 200,000, so tens of thousands watch at once, as on a KPU].")
@click.option("--parallelism", "parallelisms", type=click.IntRange(min=1), multiple=True,
              help="Run the full job at this parallelism (repeatable) [default: 1].")
@click.option("--keep", type=click.Path(path_type=Path), help="Keep the input, the lakes and the JVM logs here.")
def command(events: int, seed: int, users: int | None, parallelisms: tuple[int, ...], keep: Path | None) -> None:
    """Measure replay throughput and JVM peak memory of the full job, of the job's own source
    alone (parse and validate into a blackhole), and of the baseline — Flink's built-in json format
    scanning the same file into a blackhole — and print the throughput ratios, then the full
    job's lake zone by zone: files, bytes, rows and bytes per record. Each job runs in a process
    of its own, on RocksDB with a KPU's managed memory per slot as on the service; the full job
    also runs once on heap state, for comparison. The figures go to bench-results/latest.json,
    which `streamwatch plan` reads (it takes the RocksDB rates).

    \b
    Examples:
        streamwatch bench --events 1000000
        streamwatch bench --events 200000 --parallelism 1 --parallelism 2
    """
    from rich.console import Console
    from rich.table import Table

    from streamwatch.local.bench import run_bench

    console = Console()
    run = run_bench(events, seed, console, keep, parallelisms=parallelisms or (1,), users=users)
    measures = run.measures
    baseline = measures[0]
    table = Table(title=f"Replay of {baseline.records:,} records on {_cores()} cores", header_style="bold")
    for column in ("job", "parallelism", "state", "whole process (s)", "records/s", "× json-scan",
                   "job run time (s)", "× json-scan (run time)", "JVM peak RSS (MiB)"):
        table.add_column(column, justify="right")
    for measure in measures:
        state = measure.state_backend if measure.name.startswith("full") else "—"
        table.add_row(measure.name, str(measure.parallelism), state, f"{measure.wall_s:.1f}",
                      f"{measure.records_per_second:,.0f}",
                      f"{measure.records_per_second / baseline.records_per_second:.3f}",
                      f"{measure.net_runtime_s:.1f}",
                      f"{measure.net_records_per_second / baseline.net_records_per_second:.3f}",
                      f"{measure.jvm_peak_rss_bytes / 2**20:,.0f}")
    console.print(table)
    for measure in measures:
        if measure.name.startswith("full") and measure.vertices:
            busy = Table(title=f"{measure.name}: busy time per task (chain of operators)", header_style="bold")
            for column in ("task", "busy (s)", "back-pressured (s)", "idle (s)"):
                busy.add_column(column, justify="right" if column != "task" else "left")
            for vertex in sorted(measure.vertices, key=lambda v: -v["busy_ms"]):
                busy.add_row(vertex["name"][:90], f"{vertex['busy_ms'] / 1000:.1f}",
                             f"{vertex['backpressured_ms'] / 1000:.1f}", f"{vertex['idle_ms'] / 1000:.1f}")
            console.print(busy)
    console.print(zone_table(run.lake))
    console.print(f"figures saved to {run.saved_to}")


def zone_table(lake: dict):
    """The full job's lake, zone by zone: files, bytes, rows and bytes per record."""
    from rich.table import Table

    table = Table(title="full job's lake (parallelism 1)", header_style="bold")
    for column in ("zone", "files", "bytes", "rows", "bytes per record"):
        table.add_column(column, justify="left" if column == "zone" else "right")
    for zone, size in lake.items():
        per_row = "—" if size.bytes_per_row is None else f"{size.bytes_per_row:,.1f}"
        table.add_row(zone, f"{size.files:,}", f"{size.bytes:,}", f"{size.rows:,}", per_row)
    return table


def _cores() -> int:
    import os

    return os.cpu_count() or 1
