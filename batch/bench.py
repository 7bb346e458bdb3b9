"""Time the batch jobs and the warehouse load on synthetic processed zones of given sizes.

    python -m batch.bench --sessions 3000 --sessions 30000 [--days 2] [--workdir DIR]

For each size: write the zone (batch.synthetic), run every job for every dt on one local Spark
session (the session's start-up is timed apart), then load every dt into a fresh local warehouse.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from batch.runner import run_local
from batch.spark import local_spark
from batch.synthetic import write_synthetic_lake


def bench(sessions: int, days: int, workdir: Path) -> dict:
    from warehouse.loader import load_dt
    from warehouse.targets import DuckDBTarget

    lake = workdir / f"lake-{sessions}"
    shutil.rmtree(lake, ignore_errors=True)
    size = write_synthetic_lake(lake, sessions=sessions, days=days)
    started = time.perf_counter()
    runs = run_local(lake, list(size.dts))
    batch_seconds = time.perf_counter() - started
    target = DuckDBTarget(lake)
    started = time.perf_counter()
    try:
        for dt in size.dts:
            load_dt(target, dt)
    finally:
        target.close()
    load_seconds = time.perf_counter() - started
    return {"sessions": size.sessions, "title_windows": size.title_windows, "dts": len(size.dts),
            "curated_rows": sum(r.result.rows for r in runs), "batch_s": batch_seconds, "load_s": load_seconds}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, action="append", required=True)
    parser.add_argument("--days", type=int, default=2)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="streamwatch-bench-"))
    started = time.perf_counter()
    with local_spark("streamwatch-bench") as spark:
        spark.range(1).count()
        print(f"spark start-up: {time.perf_counter() - started:.1f}s")
        for sessions in args.sessions:
            result = bench(sessions, args.days, workdir)
            print(f"{result['sessions']:>8,} sessions {result['title_windows']:>9,} title windows "
                  f"{result['dts']} dts -> {result['curated_rows']:>8,} curated rows: "
                  f"batch {result['batch_s']:6.1f}s  load {result['load_s']:5.2f}s")


if __name__ == "__main__":
    main()
