"""Resharding, then a restore (issue 13 item 1), as a user runs it: `streamwatch stream` reads a
2-shard stream at parallelism 2; mid-stream both shards are split (4 children, the parents read to
their end), the command is killed with SIGKILL, and the same command is run again (--drain). The
local Kinesis reshards as AWS does (streamwatch/local/moto_kinesis.py: parents keep their records and
end, later puts go to the children).

After the restore, sessions keep reaching the lake without a drain (a restored parent that had
ended must not hold event time back for good); the children's first records are not judged late
(an ended parent holds event time until its children are read); and after the drain the lake is
that of one uninterrupted run: nothing late, nothing written twice, sessions and windows as the
reference computes them."""

from __future__ import annotations

import signal
from collections import Counter

import pytest

from streamwatch.analyses.lake import Lake
from streamwatch.local.local_kinesis import LocalKinesis
from tests.flink_app.scenarios import generate
from tests.reference.contract import evaluate
from tests.streamwatch.lake_checks import (SESSION_KEYS, WINDOW_KEYS, arrivals_of, comparable, committed_records,
                                           wait_for_committed)
from tests.streamwatch.local.stream_process import Producer, StreamCommand, jvms_of, kill, stop

pytestmark = [pytest.mark.flink, pytest.mark.kinesis]


def _split_every_open_shard(client, stream: str) -> list[str]:
    """SplitShard on each open shard at the middle of its hash range; the ids of the parents."""
    parents = []
    for shard in client.list_shards(StreamName=stream)["Shards"]:
        if "EndingSequenceNumber" in shard["SequenceNumberRange"]:
            continue
        low, high = int(shard["HashKeyRange"]["StartingHashKey"]), int(shard["HashKeyRange"]["EndingHashKey"])
        client.split_shard(StreamName=stream, ShardToSplit=shard["ShardId"], NewStartingHashKey=str((low + high) // 2))
        parents.append(shard["ShardId"])
    return parents


@pytest.fixture(scope="module")
def outcome(connector_jar, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("reshard")
    lake = tmp_path / "lake"
    # no redeliveries, no late events, no two events of a key in one millisecond: every record
    # has one right place, whatever the shards and subtasks (ties are checked in tests/flink_app)
    records = generate(seed=51, keys=48, events_per_key=50, duplicates=0.0, late=0, same_ms_ties=False)
    split_at = len(records) * 2 // 5
    split: list[str] = []
    with LocalKinesis(shards=2) as kinesis:
        client = kinesis.client()

        def split_once(sent: int) -> None:
            if sent >= split_at and not split:
                split.extend(_split_every_open_shard(client, kinesis.stream_name))

        # the records cover hours of event time in a minute: a wide drift and a quick exchange let
        # the aligned source read them as fast as they come (alignment caps a catch-up at drift per exchange)
        command = StreamCommand(tmp_path, kinesis, lake, parallelism=2,
                                processing={"source.alignment.max-drift.ms": "600000", "source.sync.interval.ms": "200"})
        producer = Producer(client, kinesis.stream_name, records, batch=30, pause_s=0.4, before_batch=split_once)
        try:
            first = command.start()
            command.wait_running(first)
            producer.start()
            # the parents are read to their end and the children are being read
            wait_for_committed(lake, split_at + (len(records) - split_at) // 4, timeout_s=240,
                               alive=lambda: first.poll() is None)
            jvms = jvms_of(first)
            kill(first)
            killed_at = committed_records(lake)
            sessions_at_kill = len(Lake(lake).rows("processed/sessions"))

            second = command.start("--drain")
            command.wait_running(second)
            # without a drain, event time goes on: sessions that close after the restore are written
            wait_for_committed(lake, killed_at + (len(records) - killed_at) // 2, timeout_s=240,
                               alive=lambda: second.poll() is None)
            sessions_before_drain = _wait_for_more_sessions(lake, sessions_at_kill, second)
            producer.join(timeout=240)
            assert producer.failed == 0
            wait_for_committed(lake, len(records), timeout_s=240, alive=lambda: second.poll() is None)
            drained = stop(second, signal.SIGINT)
            leftover = command.leftover_jvms()
            shards = client.list_shards(StreamName=kinesis.stream_name)["Shards"]
        finally:
            command.kill_all()
    return {"records": records, "lake": Lake(lake), "command": command, "jvms": jvms, "split": split,
            "shards": shards, "killed_at": killed_at, "sessions_at_kill": sessions_at_kill,
            "sessions_before_drain": sessions_before_drain, "drained": drained, "leftover": leftover}


def _wait_for_more_sessions(lake, than: int, process, timeout_s: float = 120) -> int:
    from streamwatch.local.flink_runner import wait_until

    def more() -> bool:
        assert process.poll() is None, "the restored run ended"
        return len(Lake(lake).rows("processed/sessions")) > than

    wait_until(more, timeout_s=timeout_s, poll_s=1.0)
    return len(Lake(lake).rows("processed/sessions"))


def test_the_stream_was_resharded_and_the_run_killed_and_restored(outcome):
    shards = {shard["ShardId"]: shard for shard in outcome["shards"]}
    assert len(outcome["split"]) == 2 and len(shards) == 6
    children = [s for s in shards.values() if s.get("ParentShardId") in outcome["split"]]
    assert len(children) == 4
    assert outcome["jvms"], "the killed run had no JVM: the kill did not test what it should"
    assert 0 < outcome["killed_at"] < len(outcome["records"])
    assert "resuming from checkpoint chk-" in outcome["command"].output(2), outcome["command"].output(2)
    assert outcome["drained"] == 0 and outcome["leftover"] == []


def test_sessions_keep_reaching_the_lake_after_the_restore_without_a_drain(outcome):
    assert outcome["sessions_before_drain"] > outcome["sessions_at_kill"]


def test_nothing_is_late_and_nothing_written_twice(outcome):
    lake, records = outcome["lake"], outcome["records"]
    assert lake.rows("late") == []
    assert lake.rows("dlq") == []
    assert Counter(row["record"] for row in lake.rows("raw")) == Counter(records)


def test_sessions_and_windows_are_those_of_one_uninterrupted_run(outcome):
    lake, records = outcome["lake"], outcome["records"]
    expected = evaluate(records, arrivals=arrivals_of(lake, records))
    assert expected.late == [] and expected.duplicates == 0
    sessions = lake.rows("processed/sessions")
    assert comparable(sessions, SESSION_KEYS) == comparable(expected.sessions, SESSION_KEYS)
    assert comparable(lake.rows("processed/title_watch_5m"), WINDOW_KEYS) == \
        comparable(expected.title_windows, WINDOW_KEYS)
    assert len({row["session_id"] for row in sessions}) == len(sessions)
