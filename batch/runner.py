"""All batch jobs for some dts over a local lake, on one local Spark session (what `streamwatch batch`
and the demo run). Each job is the same ``run`` function Glue runs; the days in ``compact_dts`` are
first compacted (``batch.compaction``), as the AWS workflow does before its Glue jobs."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Callable, Collection, Iterable, Sequence

from batch.args import JobArgs, validate_dt
from batch.jobs import JOBS, job_module
from batch.spark import local_spark
from batch.storage import WriteResult


@dataclasses.dataclass(frozen=True)
class JobRun:
    result: WriteResult
    seconds: float


# Called before each job with (table, dt) and after it with the JobRun.
Progress = Callable[[str, str, "JobRun | None"], None]


def run_local(
    lake: Path,
    dts: Sequence[str],
    tables: Iterable[str] | None = None,
    progress: Progress | None = None,
    compact_dts: Collection[str] = (),
    compacted: Callable[[object], None] | None = None,
) -> list[JobRun]:
    """Run the jobs of ``tables`` (default: all) for each dt, in order, over ``lake``; a dt in
    ``compact_dts`` (closed days only) is compacted first and ``compacted(DayReport)`` told so."""
    lake = Path(lake)
    if not lake.is_dir():
        raise FileNotFoundError(f"lake directory not found: {lake}")
    for dt in dts:
        validate_dt(dt)
    selected = list(JOBS) if tables is None else list(tables)
    modules = {table: job_module(table) for table in selected}
    runs: list[JobRun] = []
    with local_spark() as spark:
        for dt in dts:
            if dt in compact_dts:
                from batch.compaction import compact_day

                report = compact_day(lake, dt)
                if compacted:
                    compacted(report)
            for table, module in modules.items():
                if progress:
                    progress(table, dt, None)
                started = time.perf_counter()
                result = module.run(spark, JobArgs.for_lake(lake, dt, job_name=f"streamwatch-{table}"))
                run = JobRun(result=result, seconds=time.perf_counter() - started)
                runs.append(run)
                if progress:
                    progress(table, dt, run)
    return runs


def processed_dts(lake: Path) -> list[str]:
    """The dts that processed/sessions or processed/title_watch_5m has partitions for, sorted."""
    found: set[str] = set()
    for table in ("sessions", "title_watch_5m"):
        base = Path(lake) / "processed" / table
        if base.is_dir():
            found |= {p.name[3:] for p in base.glob("dt=*") if p.is_dir()}
    return sorted(found)
