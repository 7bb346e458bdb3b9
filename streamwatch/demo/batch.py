"""The batch half of the demo: curated zone, warehouse, three answers and the HTML report.

    batch_demo_part(lake: Path, dts: list[str], console: rich.console.Console) -> None

compacts each day (batch.compaction, as the AWS workflow does first), runs the Glue jobs (local
Spark) and the warehouse load (local DuckDB) for each dt, prints the answers of three warehouse views (top titles, watch hours by device, daily active users) and
writes ``<lake>/report.html``.
"""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path

from rich.console import Console

TOP_TITLES_PER_DAY = 5


def batch_demo_part(lake: Path, dts: list[str], console: Console) -> None:
    """Batch + load every dt of ``dts`` over ``lake``, print three answers, write the report."""
    from batch.runner import JobRun, run_local
    from streamwatch.analyses.report import build_report
    from warehouse.loader import load_dt
    from warehouse.targets import DuckDBTarget

    lake = Path(lake)
    dts = sorted(dict.fromkeys(dts))
    if not dts:
        console.print("[yellow]batch: no dt to build (the processed zone is empty)[/yellow]")
        return

    dts = _complete_days(lake, dts, console)
    if not dts:
        return

    console.rule("batch: processed -> curated (Glue jobs on local Spark)")
    started = time.perf_counter()
    with console.status("starting Spark…") as status:

        def progress(table: str, dt: str, run: JobRun | None) -> None:
            if run is None:
                status.update(f"batch {table} dt={dt}…")
            elif run.result.skipped:
                console.print(f"  {table:<24} dt={dt} skipped: {run.result.skipped}")
            else:
                console.print(f"  {table:<24} dt={dt} {run.result.rows:>8,} rows {run.seconds:5.1f}s")

        def compacted(report) -> None:
            for zone in report.zones:
                if zone.partitions_compacted:
                    console.print(f"  {'compact':<24} dt={report.dt} {zone.line()}")

        run_local(lake, dts, progress=progress, compact_dts=dts, compacted=compacted)
    console.print(f"batch done in {time.perf_counter() - started:.1f}s")

    console.rule("load: curated -> warehouse (Redshift SQL on DuckDB)")
    started = time.perf_counter()
    warehouse = DuckDBTarget(lake)
    try:
        for dt in dts:
            with console.status(f"loading dt={dt}…"):
                report = load_dt(warehouse, dt)
            counts = ", ".join(f"{s.target} {s.target_rows:,}" for s in report.steps)
            console.print(f"  dt={dt} in {report.seconds:.2f}s: {counts}")
        console.print(f"load done in {time.perf_counter() - started:.1f}s -> {warehouse.path}")
        _print_answers(warehouse, console)
    finally:
        warehouse.close()

    with console.status("writing the report…"):
        path = build_report(lake)
    console.print(f"report: {path}")


def _complete_days(lake: Path, dts: list[str], console: Console) -> list[str]:
    """The dts the stream has finished (batch.completeness). The demo drains its job, which writes
    processed/stream_progress/_END_OF_INPUT, so every day it produced is complete."""
    from batch.stream_progress import verdicts

    checked = verdicts(lake, dts)
    for verdict in checked:
        if not verdict.complete:
            console.print(f"[yellow]batch: skipping {verdict.message()}[/yellow]")
    return [verdict.dt for verdict in checked if verdict.complete]


def _print_answers(warehouse, console: Console) -> None:
    from streamwatch.analyses.report.terminal import rows_table
    from warehouse.views import read_view

    top = read_view(warehouse, "top_titles_daily")
    wanted = ("dt", "watch_rank", "title_name", "genre", "play_starts", "watch_hours")
    index = [top.columns.index(c) for c in wanted]
    rows = [tuple(row[i] for i in index) for row in top.rows if row[top.columns.index("watch_rank")] <= TOP_TITLES_PER_DAY]
    console.print(rows_table(f"Top {TOP_TITLES_PER_DAY} titles per day (view top_titles_daily)", wanted, rows))

    devices = read_view(warehouse, "watch_hours_by_device_country")
    totals: dict[tuple, list[float]] = defaultdict(lambda: [0, 0.0])
    for record in (dict(zip(devices.columns, row)) for row in devices.rows):
        key = (record["dt"], record["device_type"])
        totals[key][0] += int(record["sessions"])
        totals[key][1] += float(record["watch_hours"])
    device_rows = [(dt, device, sessions, round(hours, 2))
                   for (dt, device), (sessions, hours) in sorted(totals.items(), key=lambda kv: (kv[0][0], -kv[1][1]))]
    console.print(rows_table("Watch hours by device (view watch_hours_by_device_country, summed over countries)",
                             ("dt", "device_type", "sessions", "watch_hours"), device_rows))

    dau = read_view(warehouse, "daily_active_users")
    console.print(rows_table("Daily active users (view daily_active_users)", dau.columns, dau.rows))
