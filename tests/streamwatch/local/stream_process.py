"""`streamwatch stream --source kinesis` run as a user runs it, for the tests that kill, interrupt
and restart it: the command in its own process group, a paced producer thread, and the JVMs a run
started (so a test can check that none is left behind)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable

import psutil

from flink_app.config import LOCAL_PROPERTIES
from producer.kinesis_writer import KinesisWriter


class Producer(threading.Thread):
    """Puts the records in order, in small batches, at a pace the job can follow; ``before_batch(n)``
    (if given) is called with the number of records already sent before each batch."""

    def __init__(self, client, stream: str, records: list[str], batch: int = 40, pause_s: float = 0.5,
                 before_batch: Callable[[int], None] | None = None):
        super().__init__(daemon=True)
        self.writer = KinesisWriter(client, stream)
        self.records, self.batch, self.pause_s = records, batch, pause_s
        self.before_batch = before_batch
        self.failed = 0
        self.sent = 0

    def run(self) -> None:
        for start in range(0, len(self.records), self.batch):
            if self.before_batch is not None:
                self.before_batch(start)
            self.failed += self.writer.write(self.records[start:start + self.batch]).failed
            self.sent = start + len(self.records[start:start + self.batch])
            time.sleep(self.pause_s)


class StreamCommand:
    """`streamwatch stream --source kinesis` against ``kinesis`` into ``lake``, with 1 s checkpoints."""

    def __init__(self, tmp_path, kinesis, lake, parallelism: int = 1, processing: dict[str, str] | None = None):
        properties = json.loads(LOCAL_PROPERTIES.read_text())
        for group in properties:
            if group["PropertyGroupId"] == "processing":
                group["PropertyMap"]["checkpoint.interval.ms"] = "1000"
                group["PropertyMap"].update(processing or {})
        self.properties = tmp_path / "properties.json"
        self.properties.write_text(json.dumps(properties))
        self.base = [sys.executable, "-m", "streamwatch.cli", "stream", "--source", "kinesis",
                     "--stream-arn", kinesis.stream_arn, "--endpoint", kinesis.endpoint, "--region", kinesis.region,
                     "--lake", str(lake), "--properties", str(self.properties), "--parallelism", str(parallelism)]
        self.env = {**os.environ, "STREAMWATCH_LOG_DIR": str(tmp_path / "logs"), "COLUMNS": "200"}
        self.tmp_path = tmp_path
        self.runs = 0
        self.processes: list[subprocess.Popen] = []

    def start(self, *extra: str) -> subprocess.Popen:
        self.runs += 1
        stderr = open(self.tmp_path / f"run-{self.runs}.err", "w+b")
        process = subprocess.Popen(self.base + list(extra), stdout=subprocess.DEVNULL, stderr=stderr, env=self.env,
                                   start_new_session=True)
        self.processes.append(process)
        return process

    def output(self, run: int) -> str:
        return (self.tmp_path / f"run-{run}.err").read_text(errors="replace")

    def wait_running(self, process: subprocess.Popen, timeout_s: float = 120) -> None:
        """Until the run says its job is running (so that a signal reaches a started job)."""
        deadline = time.monotonic() + timeout_s
        while " running; Flink UI at " not in self.output(self.runs):
            if process.poll() is not None:
                raise AssertionError(f"run {self.runs} ended early:\n{self.output(self.runs)}")
            if time.monotonic() > deadline:
                raise AssertionError(f"run {self.runs} did not start its job:\n{self.output(self.runs)}")
            time.sleep(0.5)

    def kill_all(self) -> None:
        """SIGKILL whatever is still running (the end of a test, also a failed one)."""
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def leftover_jvms(self) -> list[psutil.Process]:
        return [jvm for process in self.processes for jvm in jvms_of(process)]


def jvms_of(process: subprocess.Popen) -> list[psutil.Process]:
    try:
        return [p for p in psutil.Process(process.pid).children(recursive=True) if "java" in p.name()]
    except psutil.NoSuchProcess:
        return []


def stop(process: subprocess.Popen, sig: int, timeout_s: float = 120) -> int:
    process.send_signal(sig)
    return process.wait(timeout=timeout_s)


def kill(process: subprocess.Popen) -> None:
    """SIGKILL the run's whole process group (Python and JVM, no goodbye) and wait for its JVMs to go."""
    jvms = jvms_of(process)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    psutil.wait_procs(jvms, timeout=30)
