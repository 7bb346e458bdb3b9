"""Crash and resume, as a user runs it: `streamwatch stream --source kinesis … --lake DIR` is
killed with SIGKILL (Python and JVM) while a producer keeps writing, started again (it resumes
from its last checkpoint), stopped with Ctrl-C (a savepoint), started again with --drain and
stopped for good. The lake must end exactly as the contract says one uninterrupted run makes it
(the reference): no record of raw/, dlq/ or late/ written twice, no session or window lost or
doubled. A second run on the same lake while one runs is refused."""

from __future__ import annotations

import json
import signal
import subprocess
from collections import Counter

import pytest

from streamwatch.analyses.lake import Lake
from streamwatch.local.local_kinesis import LocalKinesis
from tests.conftest import bad_corpus
from tests.flink_app.scenarios import generate
from tests.reference.contract import evaluate
from tests.streamwatch.lake_checks import (SESSION_KEYS, WINDOW_KEYS, arrivals_of, comparable, committed_records,
                                           wait_for_committed)
from tests.streamwatch.local.stream_process import Producer, StreamCommand, jvms_of, kill, stop

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


@pytest.fixture(scope="module")
def outcome(connector_jar, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("resume")
    lake = tmp_path / "lake"
    records = scenario()
    with LocalKinesis(shards=1) as kinesis:
        # one task per operator: a key's events in the same millisecond are then taken in the
        # order they were received, which the reference checks
        command = StreamCommand(tmp_path, kinesis, lake, parallelism=1)
        producer = Producer(kinesis.client(), kinesis.stream_name, records)
        try:
            first = command.start()
            command.wait_running(first)
            producer.start()
            wait_for_committed(lake, len(records) // 4, timeout_s=180, alive=lambda: first.poll() is None)
            jvms = jvms_of(first)
            kill(first)  # the Python process and its JVM, no goodbye
            killed_at = committed_records(lake)

            second = command.start()
            command.wait_running(second)
            busy = subprocess.run(command.base, capture_output=True, text=True, env=command.env, timeout=60)
            wait_for_committed(lake, killed_at + 1, timeout_s=180, alive=lambda: second.poll() is None)
            interrupted = stop(second, signal.SIGINT)
            producer.join(timeout=120)
            assert producer.failed == 0

            third = command.start("--drain")
            command.wait_running(third)
            wait_for_committed(lake, len(records), timeout_s=180, alive=lambda: third.poll() is None)
            drained = stop(third, signal.SIGINT)
            leftover = command.leftover_jvms()
        finally:
            command.kill_all()
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
    expected = evaluate(records, arrivals=arrivals_of(lake, records))
    raw = Counter(row["record"] for row in lake.rows("raw"))
    dlq = lake.rows("dlq")
    rejected = {record for record in records if record not in raw}
    assert sum(raw.values()) + len(dlq) == len(records)
    assert raw == Counter(r for r in records if r not in rejected)
    assert sorted(row["raw"] for row in dlq) == sorted(r for r in records if r in rejected)
    assert len(dlq) == expected.rejected
    assert sorted(row["event_id"] for row in lake.rows("late")) == sorted(e["event_id"] for e in expected.late)


def test_the_clock_in_2099_went_to_the_dlq_with_its_reason(outcome):
    reasons = {row["raw"]: row["reason"] for row in outcome["lake"].rows("dlq")}
    future = next(record for record in reasons if "from-2099" in record)
    assert reasons[future].startswith("event_ts in the future")


def test_sessions_and_windows_are_those_of_one_uninterrupted_run(outcome):
    lake, records = outcome["lake"], outcome["records"]
    expected = evaluate(records, arrivals=arrivals_of(lake, records))
    assert comparable(lake.rows("processed/sessions"), SESSION_KEYS) == comparable(expected.sessions, SESSION_KEYS)
    assert comparable(lake.rows("processed/title_watch_5m"), WINDOW_KEYS) == comparable(expected.title_windows, WINDOW_KEYS)
    ids = [row["session_id"] for row in lake.rows("processed/sessions")]
    assert len(ids) == len(set(ids))


def test_the_drained_lake_says_every_day_is_complete(outcome):
    marker = outcome["lake"].root / "processed" / "stream_progress" / "_END_OF_INPUT"
    assert json.loads(marker.read_text())["how"] == "drained"
