"""A backfill over a local lake: for each day of a range, in order, the batch jobs and then the
warehouse load of that day (what the AWS workflow's Map state does one day at a time).

    days_between(first, last) -> list[str]
    run_backfill(lake, days, target, on_day=None, compact_dts=()) -> list[DayResult]

Each day is rebuilt and reloaded whole (both steps replace exactly that day), so a backfill can be
run again, or stopped and resumed, without duplicating anything.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from pathlib import Path
from typing import Callable, Collection

MAX_DAYS = 366


@dataclasses.dataclass(frozen=True)
class DayResult:
    dt: str
    job_runs: tuple  # batch.runner.JobRun
    load: object  # warehouse.loader.LoadReport


def days_between(first: str, last: str) -> list[str]:
    """Every day from ``first`` to ``last``, both included (YYYY-MM-DD)."""
    from batch.args import validate_dt

    start, end = (_dt.date.fromisoformat(validate_dt(d)) for d in (first, last))
    if end < start:
        raise ValueError(f"--to {last} is before --from {first}")
    count = (end - start).days + 1
    if count > MAX_DAYS:
        raise ValueError(f"{count} days is more than one backfill takes ({MAX_DAYS}); split the range")
    return [(start + _dt.timedelta(days=n)).isoformat() for n in range(count)]


def run_backfill(lake: Path, days: list[str], target, on_day: Callable[[str, str], None] | None = None,
                 progress=None, compact_dts: Collection[str] = (), compacted=None) -> list[DayResult]:
    """Batch then load each day in order on one Spark session; ``on_day(dt, step)`` before each step.
    A day in ``compact_dts`` is compacted before its batch (``batch.runner.run_local``)."""
    from batch.runner import run_local
    from batch.spark import local_spark
    from warehouse.loader import load_dt

    results = []
    with local_spark("streamwatch-backfill"):
        for dt in days:
            if on_day:
                on_day(dt, "batch")
            runs = run_local(lake, [dt], progress=progress, compact_dts=compact_dts, compacted=compacted)
            if on_day:
                on_day(dt, "load")
            results.append(DayResult(dt=dt, job_runs=tuple(runs), load=load_dt(target, dt)))
    return results
