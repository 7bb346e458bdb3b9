"""Crash and resume, as a user runs it: `streamwatch stream --source kinesis … --lake DIR` is
killed with SIGKILL (Python and JVM) while a producer keeps writing, started again (it resumes
from its last checkpoint), stopped with Ctrl-C (a savepoint), started again with --drain and
stopped for good. The lake must end exactly as the contract says one uninterrupted run makes it
(the reference): no record of raw/, dlq/ or late/ written twice, no session or window lost or
doubled. A second run on the same lake while one runs is refused."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter

import psutil
import pytest

from flink_app.config import LOCAL_PROPERTIES
from producer.kinesis_writer import KinesisWriter
from streamwatch.lake import Lake
from streamwatch.local_kinesis import LocalKinesis
from tests.conftest import bad_corpus
from tests.flink_app.scenarios import generate
from tests.reference.contract import evaluate
from tests.streamwatch.lake_checks import SESSION_KEYS, WINDOW_KEYS, comparable, committed_records, wait_for_committed

pytestmark = [pytest.mark.flink, pytest.mark.kinesis]


def scenario() -> list[str]:
    records = generate(seed=31, keys=30, events_per_key=70)
    bad = [record for record, _ in bad_corpus()[:8]]
    future = json.dumps({"event_id": "from-2099", "event_type": "browse", "event_ts": "2099-01-01T00:00:00.000Z",
                         "user_id": "u-clock", "device_id": "d-clock", "device_type": "tv", "country": "US",
                         "schema_version": 1})
    step = len(records) // (len(bad) + 2)
    for index, record in enumerate([future, *bad]):
        records.insert((index + 1) * step, record)
    return records


class Producer(threading.Thread):
    """Puts the records in order, in small batches, at a pace the job can follow (about 30 s for
    the scenario: the first run is killed and the second interrupted while it writes)."""

    def __init__(self, client, stream: str, records: list[str], batch: int = 40, pause_s: float = 0.5):
        super().__init__(daemon=True)
        self.writer = KinesisWriter(client, stream)
        self.records, self.batch, self.pause_s = records, batch, pause_s
        self.failed = 0

    def run(self) -> None:
        for start in range(0, len(self.records), self.batch):
            self.failed += self.writer.write(self.records[start:start + self.batch]).failed
            time.sleep(self.pause_s)


class StreamCommand:
    def __init__(self, tmp_path, kinesis, lake):
        properties = json.loads(LOCAL_PROPERTIES.read_text())
        for group in properties:
            if group["PropertyGroupId"] == "processing":
                group["PropertyMap"]["checkpoint.interval.ms"] = "1000"
                group["PropertyMap"]["file.rollover.ms"] = "1000"
        self.properties = tmp_path / "properties.json"
        self.properties.write_text(json.dumps(properties))
        self.base = [sys.executable, "-m", "streamwatch.cli", "stream", "--source", "kinesis",
                     "--stream-arn", kinesis.stream_arn, "--endpoint", kinesis.endpoint, "--region", kinesis.region,
                     "--lake", str(lake), "--properties", str(self.properties),
                     # one task per operator: a key's events in the same millisecond are then taken
                     # in the order they were received, which the reference checks
                     "--parallelism", "1"]
        self.env = {**os.environ, "STREAMWATCH_LOG_DIR": str(tmp_path / "logs"), "COLUMNS": "200"}
        self.tmp_path = tmp_path
        self.runs = 0

    def start(self, *extra: str) -> subprocess.Popen:
        self.runs += 1
        stderr = open(self.tmp_path / f"run-{self.runs}.err", "w+b")
        return subprocess.Popen(self.base + list(extra), stdout=subprocess.DEVNULL, stderr=stderr, env=self.env,
                                start_new_session=True)

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


def jvms_of(process: subprocess.Popen) -> list[psutil.Process]:
    try:
        return [p for p in psutil.Process(process.pid).children(recursive=True) if "java" in p.name()]
    except psutil.NoSuchProcess:
        return []


def stop(process: subprocess.Popen, sig: int, timeout_s: float = 120) -> int:
    process.send_signal(sig)
    return process.wait(timeout=timeout_s)


@pytest.fixture(scope="module")
def outcome(connector_jar, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("resume")
    lake = tmp_path / "lake"
    records = scenario()
    processes: list[subprocess.Popen] = []
    with LocalKinesis(shards=1) as kinesis:
        command = StreamCommand(tmp_path, kinesis, lake)
        producer = Producer(kinesis.client(), kinesis.stream_name, records)
        try:
            first = command.start()
            processes.append(first)
            command.wait_running(first)
            producer.start()
            wait_for_committed(lake, len(records) // 4, timeout_s=180, alive=lambda: first.poll() is None)
            jvms = jvms_of(first)
            os.killpg(first.pid, signal.SIGKILL)  # the Python process and its JVM, no goodbye
            first.wait(timeout=30)
            psutil.wait_procs(jvms, timeout=30)
            killed_at = committed_records(lake)

            second = command.start()
            processes.append(second)
            command.wait_running(second)
            busy = subprocess.run(command.base, capture_output=True, text=True, env=command.env, timeout=60)
            wait_for_committed(lake, killed_at + 1, timeout_s=180, alive=lambda: second.poll() is None)
            interrupted = stop(second, signal.SIGINT)
            producer.join(timeout=120)
            assert producer.failed == 0

            third = command.start("--drain")
            processes.append(third)
            command.wait_running(third)
            wait_for_committed(lake, len(records), timeout_s=180, alive=lambda: third.poll() is None)
            drained = stop(third, signal.SIGINT)
            leftover = [p for run in processes for p in jvms_of(run)]
        finally:
            for process in processes:
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
    return {"records": records, "lake": Lake(lake), "command": command, "busy": busy, "jvms": jvms,
            "killed_at": killed_at, "interrupted": interrupted, "drained": drained, "leftover": leftover}


def test_each_restart_resumes_from_the_last_checkpoint_or_savepoint(outcome):
    command = outcome["command"]
    assert outcome["jvms"], "the killed run had no JVM: the kill did not test what it should"
    assert 0 < outcome["killed_at"] < len(outcome["records"])
    assert "resuming from checkpoint chk-" in command.output(2), command.output(2)
    assert outcome["interrupted"] == 0 and "stopped with savepoint" in command.output(2)
    assert "resuming from savepoint" in command.output(3), command.output(3)
    assert outcome["drained"] == 0 and outcome["leftover"] == []


def test_a_second_run_on_the_same_lake_is_refused(outcome):
    busy = outcome["busy"]
    assert busy.returncode == 1 and "is being written by another streamwatch run" in busy.stderr


def test_no_record_is_written_twice_or_lost(outcome):
    lake, records = outcome["lake"], outcome["records"]
    expected = evaluate(records)
    raw = Counter(line for path in lake.data_files("raw") for line in path.read_text().splitlines() if line)
    rejected = {record for record in records if record not in raw}
    assert sum(raw.values()) + lake.count_lines("dlq") == len(records)
    assert raw == Counter(r for r in records if r not in rejected)
    assert sorted(row["raw"] for row in lake.json_lines("dlq")) == sorted(r for r in records if r in rejected)
    assert lake.count_lines("dlq") == expected.rejected
    assert sorted(row["event_id"] for row in lake.json_lines("late")) == sorted(e["event_id"] for e in expected.late)


def test_the_clock_in_2099_went_to_the_dlq_with_its_reason(outcome):
    reasons = {row["raw"]: row["reason"] for row in outcome["lake"].json_lines("dlq")}
    future = next(record for record in reasons if "from-2099" in record)
    assert reasons[future].startswith("event_ts in the future")


def test_sessions_and_windows_are_those_of_one_uninterrupted_run(outcome):
    lake, expected = outcome["lake"], evaluate(outcome["records"])
    assert comparable(lake.rows("processed/sessions"), SESSION_KEYS) == comparable(expected.sessions, SESSION_KEYS)
    assert comparable(lake.rows("processed/title_watch_5m"), WINDOW_KEYS) == comparable(expected.title_windows, WINDOW_KEYS)
    ids = [row["session_id"] for row in lake.rows("processed/sessions")]
    assert len(ids) == len(set(ids))


def test_the_drained_lake_says_every_day_is_complete(outcome):
    marker = outcome["lake"].root / "processed" / "stream_progress" / "_END_OF_INPUT"
    assert json.loads(marker.read_text())["how"] == "drained"
