"""Replay throughput of the full job against the engine's own best on the same input, in one run.

Three jobs read the same generated JSONL file, each in its own ``streamwatch stream`` process with
a JVM of its own (so that its peak resident memory, sampled while it runs, is its alone):

* ``json-scan`` — the baseline: Flink's built-in ``json`` format reading the file into a blackhole
  (no validation, no DLQ): what the engine itself does fastest with this input;
* ``parse-scan`` — the job's own source (one streaming validation pass per record, watermarks of
  valid events) into a blackhole: what parsing and validating costs over the baseline;
* ``full`` — the whole job: dedup, DLQ, late split, watched time, sessions, windows, progress,
  Parquet sinks of every zone, committed exactly once.

Throughput ratios are taken on whole-process time (JVM start, planning and the final commit
included) and on Flink's net job run time. The figures are written as JSON for later use
(``streamwatch plan`` reads the full job's records per second per core, and the files, bytes and
rows of each zone of its lake; the bytes per row are saved beside them for a reader).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import psutil

from flink_app.job import SINKS

JOBS = ("json-scan", "parse-scan", "full")
RESULTS = Path("bench-results") / "latest.json"
# Every zone the job writes: measured on the full job's lake, scaled by the capacity plan.
ZONES = tuple(SINKS.values())


@dataclass(frozen=True)
class JobMeasure:
    name: str
    parallelism: int
    state_backend: str  # "rocksdb" (the service's) or "heap"
    records: int
    net_runtime_s: float
    wall_s: float
    jvm_peak_rss_bytes: int
    vertices: list[dict] = field(default_factory=list)

    @property
    def records_per_second(self) -> float:
        """Whole-process throughput."""
        return self.records / self.wall_s

    @property
    def net_records_per_second(self) -> float:
        return self.records / self.net_runtime_s


# Simulated users of the bench's input: enough that many viewers watch at once (about one in five
# at the evening peak), so the job holds state for tens of thousands of keys and a million events
# span a few hours of event time, as a Managed Flink KPU sees them, rather than a handful of
# viewers over a day (few keys, and a window boundary every few hundred events).
BENCH_USERS = 200_000


def generate_input(path: Path, events: int, seed: int, users: int = BENCH_USERS) -> int:
    """Write ``events`` simulated events of ``users`` users (a few redeliveries and malformed
    records) as JSONL."""
    from producer.catalog import build_catalog
    from producer.faults import FaultConfig
    from producer.kinesis_writer import JsonlWriter
    from producer.pipeline import default_start, produce_events

    catalog = build_catalog(seed, users=users)
    report, _ = produce_events(events, seed=seed, start=default_start(catalog, events),
                               faults=FaultConfig(duplicates=0.01, malformed=0.002, out_of_order_ms=2000),
                               sink=JsonlWriter(path), catalog=catalog)
    return report.sent


def _peak_rss(process: psutil.Process) -> int:
    """Peak resident set (VmHWM) of the JVM children of ``process``."""
    peak = 0
    for child in process.children(recursive=True):
        try:
            if "java" in child.name():
                with open(f"/proc/{child.pid}/status", encoding="ascii") as status:
                    for line in status:
                        if line.startswith("VmHWM:"):
                            peak = max(peak, int(line.split()[1]) * 1024)
        except (psutil.Error, OSError):
            continue
    return peak


def job_label(name: str, parallelism: int = 1, state_backend: str = "rocksdb") -> str:
    """The name a measured job is saved under: ``full``, ``full-p2``, ``full-heap``, ``json-scan``."""
    return name + ("-heap" if state_backend == "heap" else "") + (f"-p{parallelism}" if parallelism > 1 else "")


def measure_job(name: str, input_path: Path, workdir: Path, parallelism: int = 1,
                state_backend: str = "rocksdb") -> JobMeasure:
    """One job in a `streamwatch stream` process of its own: its whole-process time, Flink's run
    time, busy time per task and the JVM's peak memory. Local runs use RocksDB sized like the
    service's KPUs (streamwatch/local/flink_runner.py); ``state_backend="heap"`` measures Flink's
    HashMap backend instead, for comparison."""
    label = job_label(name, parallelism, state_backend)
    report = workdir / f"{label}.json"
    command = [sys.executable, "-m", "streamwatch.cli", "stream", "--source", "file", "--input", str(input_path),
               "--lake", str(workdir / f"{label}-lake"), "--report-json", str(report), "--variant", name,
               "--parallelism", str(parallelism), "--no-summary"]
    if state_backend == "heap":
        command += ["--set", "state.backend.type=hashmap"]
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env={**os.environ, "STREAMWATCH_LOG_DIR": str(workdir / f"{label}-logs")})
    watcher = psutil.Process(process.pid)
    peak = 0
    try:
        while process.poll() is None:
            peak = max(peak, _peak_rss(watcher))
            time.sleep(0.5)
    except BaseException:
        process.kill()
        process.wait()
        raise
    wall = time.monotonic() - started
    if process.returncode != 0:
        raise RuntimeError(f"{label} job failed:\n{process.stderr.read().decode()[-3000:]}")
    figures = json.loads(report.read_text())
    return JobMeasure(name=label, parallelism=parallelism, state_backend=state_backend, records=figures["records_in"],
                      net_runtime_s=figures["net_runtime_ms"] / 1000, wall_s=wall, jvm_peak_rss_bytes=peak,
                      vertices=figures.get("vertices", []))


@dataclass(frozen=True)
class ZoneSize:
    files: int
    bytes: int
    rows: int

    @property
    def bytes_per_row(self) -> float | None:
        """What a record costs in the zone, compressed and with its share of the files' footers;
        None for a zone without rows."""
        return self.bytes / self.rows if self.rows else None


@dataclass(frozen=True)
class BenchRun:
    measures: list[JobMeasure]
    lake: dict[str, ZoneSize]  # the full job's lake (parallelism 1)
    saved_to: Path


def zone_sizes(lake: Path) -> dict[str, ZoneSize]:
    """Committed data files, bytes and rows of each zone of ``lake`` (rows from the Parquet
    footers: every zone is Parquet)."""
    from streamwatch.analyses.lake import Lake, parquet_rows

    store = Lake(lake)
    sizes = {}
    for zone in ZONES:
        files = store.data_files(zone)
        sizes[zone] = ZoneSize(files=len(files), bytes=sum(path.stat().st_size for path in files),
                               rows=sum(parquet_rows(path) for path in files))
    return sizes


def event_time_span_s(input_path: Path) -> float:
    """Seconds between the earliest and the latest event_ts of the input (its valid records)."""
    from datetime import datetime as parsed

    earliest = latest = None
    with input_path.open(encoding="utf-8") as lines:
        for line in lines:
            try:
                stamp = parsed.fromisoformat(json.loads(line)["event_ts"].replace("Z", "+00:00")).timestamp()
            except (ValueError, KeyError, TypeError, AttributeError):
                continue
            earliest = stamp if earliest is None else min(earliest, stamp)
            latest = stamp if latest is None else max(latest, stamp)
    return 0.0 if earliest is None else latest - earliest


def run_bench(events: int, seed: int, console, keep: Path | None = None,
              parallelisms: tuple[int, ...] = (1,), users: int | None = None) -> BenchRun:
    """Generate the input, run every job (the full one at each parallelism), save the figures."""
    import shutil

    workdir = Path(tempfile.mkdtemp(prefix="streamwatch-bench-")) if keep is None else keep
    workdir.mkdir(parents=True, exist_ok=True)
    input_path = workdir / "events.jsonl"
    try:
        console.print(f"generating {events:,} events into {input_path} ...")
        generate_input(input_path, events, seed, users or BENCH_USERS)
        measures = []
        for name in JOBS:
            for parallelism in (parallelisms if name == "full" else (1,)):
                console.print(f"running {name} (parallelism {parallelism}, RocksDB) ...")
                measures.append(measure_job(name, input_path, workdir, parallelism))
        console.print("running full (parallelism 1, heap state, for comparison) ...")
        measures.append(measure_job("full", input_path, workdir, 1, state_backend="heap"))
        full = next(m for m in measures if m.name.startswith("full"))
        lake = zone_sizes(workdir / f"{full.name}-lake")
        span = event_time_span_s(input_path)
    finally:
        if keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    saved_to = save(measures, events=events, lake=lake, event_time_span_s=span)
    return BenchRun(measures=measures, lake=lake, saved_to=saved_to)


def save(measures: list[JobMeasure], events: int, lake: dict[str, ZoneSize], event_time_span_s: float,
         path: Path = RESULTS) -> Path:
    """The figures of this run as JSON, with the machine they were taken on: per job its
    throughput, and for the full job's lake the files, bytes and rows of each zone over the
    input's event-time span (what `streamwatch plan` scales), with the bytes per row (null for a
    zone without rows), which the plan derives itself and a reader wants to see."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "events": events,
        "event_time_span_s": round(event_time_span_s, 3),
        "jobs": [{**asdict(m), "records_per_second": m.records_per_second,
                  "net_records_per_second": m.net_records_per_second} for m in measures],
        "lake": {zone: {**asdict(size), "bytes_per_row": _rounded(size.bytes_per_row)}
                 for zone, size in lake.items()},
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return path


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
