"""Replay throughput of the full job against a scan-only job on the same generated input.

Each job runs in its own ``streamwatch stream`` process, so each has a JVM of its own whose peak
resident memory (VmHWM, sampled while it runs) belongs to that job alone. Throughput is records
over the job's net run time as Flink reports it (JVM start-up excluded).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil


@dataclass(frozen=True)
class JobMeasure:
    name: str
    records: int
    net_runtime_s: float
    wall_s: float
    jvm_peak_rss_bytes: int

    @property
    def records_per_second(self) -> float:
        return self.records / self.net_runtime_s


def generate_input(path: Path, events: int, seed: int) -> int:
    """Write ``events`` simulated events (a few redeliveries and malformed records) as JSONL."""
    from producer.catalog import build_catalog
    from producer.faults import FaultConfig
    from producer.kinesis_writer import JsonlWriter
    from producer.pipeline import default_start, produce_events

    catalog = build_catalog(seed)
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


def measure_job(name: str, input_path: Path, records: int, workdir: Path, scan_only: bool) -> JobMeasure:
    report = workdir / f"{name}.json"
    command = [sys.executable, "-m", "streamwatch.cli", "stream", "--source", "file", "--input", str(input_path),
               "--lake", str(workdir / f"{name}-lake"), "--report-json", str(report)]
    if scan_only:
        command.append("--scan-only")
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    watcher = psutil.Process(process.pid)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _peak_rss(watcher))
        time.sleep(0.5)
    wall = time.monotonic() - started
    if process.returncode != 0:
        raise RuntimeError(f"{name} job failed:\n{process.stderr.read().decode()[-3000:]}")
    net = json.loads(report.read_text())["net_runtime_ms"] / 1000
    return JobMeasure(name=name, records=records, net_runtime_s=net, wall_s=wall, jvm_peak_rss_bytes=peak)


def run_bench(events: int, seed: int, console, keep: Path | None = None) -> tuple[JobMeasure, JobMeasure]:
    workdir = Path(tempfile.mkdtemp(prefix="streamwatch-bench-")) if keep is None else keep
    workdir.mkdir(parents=True, exist_ok=True)
    input_path = workdir / "events.jsonl"
    console.print(f"generating {events:,} events into {input_path} ...")
    records = generate_input(input_path, events, seed)
    console.print("running the scan-only job (source + parsing -> blackhole) ...")
    scan = measure_job("scan-only", input_path, records, workdir, scan_only=True)
    console.print("running the full job ...")
    full = measure_job("full", input_path, records, workdir, scan_only=False)
    if keep is None:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    return full, scan
