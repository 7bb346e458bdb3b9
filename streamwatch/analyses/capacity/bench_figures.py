"""What ``make bench`` measured, read once from its JSON (``bench-results/latest.json``) and checked.

The plan needs, from one run of ``streamwatch bench`` (``streamwatch bench --events 1000000`` as the
README says, or ``make bench``, which adds the full job at parallelism 2):

* the full job's throughput at parallelism 1 on RocksDB with a KPU's managed memory per slot (as
  ``streamwatch/local/flink_runner.py`` runs every local job), over Flink's own job run time (``net``: JVM
  start and planning left out, so it is the steady-state rate a long-running job sees), and the
  machine's cores; the whole-process rate and the JVM's peak memory are shown beside it;
* the full job at parallelism 2, when the run has it (shown, not used for sizing);
* the files, bytes and rows of each zone of the full job's lake, and the number of simulated events
  the input held (the bench adds 1 % redeliveries and 0.2 % malformed records to them).

A missing file, a file from an older ``streamwatch bench``, a run without the full job at parallelism
1 or a full job measured on heap state is refused with what to run.

Example::

    figures = load_bench(Path("bench-results/latest.json"))
    figures.full.net_records_per_second, figures.zone("raw").bytes
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from streamwatch.local.bench import ZONES

RERUN = "run `streamwatch bench --events 1000000` (or `make bench`) to write it again"


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
    jvm_peak_rss_bytes: int = 0

    @property
    def net_records_per_second(self) -> float:
        return self.records / self.net_runtime_s

    @property
    def wall_records_per_second(self) -> float:
        """Whole-process rate: JVM start, planning and the final commit included."""
        return self.records / self.wall_s if self.wall_s > 0 else 0.0

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
    full_p2: JobRun | None  # parallelism 2, when the run had it
    lake: dict[str, ZoneSize]
    json_scan: JobRun | None = None  # Flink's own json format into a blackhole: the engine's best

    def zone(self, name: str) -> ZoneSize:
        return self.lake[name]

    @property
    def records_per_event(self) -> float:
        """Records the job read per simulated event (redeliveries and malformed records included)."""
        return self.full.records / self.events


def load_bench(path: Path) -> BenchFigures:
    """The figures of ``path``; raises BenchResultsError naming the path and what to run."""
    if not path.is_file():
        raise BenchResultsError(f"no benchmark results at {path}: run `streamwatch bench --events 1000000` (or "
                                f"`make bench`) first, or pass --bench PATH")
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
            full_p2=_job(jobs, "full-p2", 2) if "full-p2" in jobs else None,
            lake={zone: _zone(document["lake"], zone) for zone in ZONES},
            json_scan=_job(jobs, "json-scan", 1, rocksdb=False) if "json-scan" in jobs else None,
        )
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, BenchResultsError):
            raise
        raise BenchResultsError(f"{path} lacks a figure the plan needs ({error!r}): {RERUN}") from None
    return figures


def _job(jobs: dict, name: str, parallelism: int, rocksdb: bool = True) -> JobRun:
    if name not in jobs:
        raise BenchResultsError(
            f"the benchmark results have no '{name}' job (the full job at parallelism {parallelism}): {RERUN}")
    job = jobs[name]
    if rocksdb and job.get("state_backend") != "rocksdb":
        raise BenchResultsError(
            f"job '{name}' was measured on {job.get('state_backend', 'heap')} state, which runs about twice as fast as "
            f"the RocksDB the service runs: {RERUN}")
    if int(job["parallelism"]) != parallelism:
        raise BenchResultsError(f"job '{name}' ran at parallelism {job['parallelism']}, not {parallelism}: {RERUN}")
    run = JobRun(name=name, parallelism=parallelism, records=_positive_int(job["records"], f"{name}.records"),
                 net_runtime_s=float(job["net_runtime_s"]), wall_s=float(job["wall_s"]),
                 busy_s=sum(float(v.get("busy_ms", 0)) for v in job.get("vertices", [])) / 1000,
                 jvm_peak_rss_bytes=int(job.get("jvm_peak_rss_bytes", 0)))
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
