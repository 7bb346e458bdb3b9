"""What ``make bench`` measured, read once from its JSON (``bench-results/latest.json``) and checked.

The plan needs, from one run of ``streamwatch bench``:

* the full job's throughput at parallelism 1 and 2 over Flink's own job run time (``net``: JVM start
  and planning left out, so it is the steady-state rate a long-running job sees), and the machine's
  cores;
* the files, bytes and rows of each zone of the full job's lake, and the number of simulated events
  the input held (the bench adds 1 % redeliveries and 0.2 % malformed records to them).

A missing file, a file from an older ``streamwatch bench`` or a run without the parallelism-2 job is
refused with what to run.

Example::

    figures = load_bench(Path("bench-results/latest.json"))
    figures.full.net_records_per_second, figures.zone("raw").bytes
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from streamwatch.bench import ZONES

RERUN = "run `make bench` (the full job at parallelism 1 and 2) to write it again"


class BenchResultsError(ValueError):
    """The benchmark results are missing or unusable; the message says what to run."""


@dataclass(frozen=True)
class JobRun:
    name: str
    parallelism: int
    records: int
    net_runtime_s: float
    wall_s: float
    busy_s: float  # busy time summed over the job's tasks (chains of operators), 0 when not reported

    @property
    def net_records_per_second(self) -> float:
        return self.records / self.net_runtime_s

    @property
    def busy_threads(self) -> float:
        """Task threads kept busy on average over the run (busy time / run time)."""
        return self.busy_s / self.net_runtime_s


@dataclass(frozen=True)
class ZoneSize:
    files: int
    bytes: int
    rows: int


@dataclass(frozen=True)
class BenchFigures:
    path: Path
    measured_at: str
    cpu_count: int
    events: int  # simulated events in the input, before redeliveries and malformed records
    event_time_span_s: float
    full: JobRun  # parallelism 1
    full_p2: JobRun  # parallelism 2
    lake: dict[str, ZoneSize]

    def zone(self, name: str) -> ZoneSize:
        return self.lake[name]

    @property
    def records_per_event(self) -> float:
        """Records the job read per simulated event (redeliveries and malformed records included)."""
        return self.full.records / self.events


def load_bench(path: Path) -> BenchFigures:
    """The figures of ``path``; raises BenchResultsError naming the path and what to run."""
    if not path.is_file():
        raise BenchResultsError(f"no benchmark results at {path}: run `make bench` first (or pass --bench PATH)")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BenchResultsError(f"{path} is not readable JSON ({error}): {RERUN}") from None
    if not isinstance(document, dict):
        raise BenchResultsError(f"{path} is not a benchmark result (a JSON object): {RERUN}")
    missing = [key for key in ("events", "event_time_span_s", "lake") if key not in document]
    if missing:
        raise BenchResultsError(
            f"{path} is from an older `streamwatch bench` (no {', '.join(missing)}: it did not save the "
            f"lake's sizes the plan scales): {RERUN}")
    try:
        jobs = {job["name"]: job for job in document["jobs"]}
        figures = BenchFigures(
            path=path,
            measured_at=str(document["measured_at"]),
            cpu_count=_positive_int(document["cpu_count"], "cpu_count"),
            events=_positive_int(document["events"], "events"),
            event_time_span_s=float(document["event_time_span_s"]),
            full=_job(jobs, "full", 1),
            full_p2=_job(jobs, "full-p2", 2),
            lake={zone: _zone(document["lake"], zone) for zone in ZONES},
        )
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, BenchResultsError):
            raise
        raise BenchResultsError(f"{path} lacks a figure the plan needs ({error!r}): {RERUN}") from None
    return figures


def _job(jobs: dict, name: str, parallelism: int) -> JobRun:
    if name not in jobs:
        raise BenchResultsError(
            f"the benchmark results have no '{name}' job (the full job at parallelism {parallelism}): {RERUN}")
    job = jobs[name]
    if job.get("state_backend") != "rocksdb":
        raise BenchResultsError(
            f"job '{name}' was measured on {job.get('state_backend', 'heap')} state, which runs about twice as fast as "
            f"the RocksDB the service runs: {RERUN}")
    if int(job["parallelism"]) != parallelism:
        raise BenchResultsError(f"job '{name}' ran at parallelism {job['parallelism']}, not {parallelism}: {RERUN}")
    run = JobRun(name=name, parallelism=parallelism, records=_positive_int(job["records"], f"{name}.records"),
                 net_runtime_s=float(job["net_runtime_s"]), wall_s=float(job["wall_s"]),
                 busy_s=sum(float(v.get("busy_ms", 0)) for v in job.get("vertices", [])) / 1000)
    if run.net_runtime_s <= 0:
        raise BenchResultsError(f"job '{name}' has no run time (net_runtime_s {run.net_runtime_s}): {RERUN}")
    return run


def _zone(lake: dict, zone: str) -> ZoneSize:
    if zone not in lake:
        raise BenchResultsError(f"the benchmark results have no size for the lake zone '{zone}': {RERUN}")
    size = lake[zone]
    return ZoneSize(files=int(size["files"]), bytes=int(size["bytes"]), rows=int(size["rows"]))


def _positive_int(value: object, name: str) -> int:
    number = int(value)  # type: ignore[call-overload]
    if number <= 0:
        raise BenchResultsError(f"'{name}' is {value}, not a positive number: {RERUN}")
    return number
