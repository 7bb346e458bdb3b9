"""Contract §2 with several shards: the watermark is per shard and the job's is the minimum over
shards that are not idle, so a catch-up from TRIM_HORIZON of a 4-shard stream, read at parallelism
2 with every shard full before the job starts, makes no on-time event late; sessions and windows
equal what one shard in arrival order gives (the reference). Far-late events written once the
catch-up is done still go to late/. Also checks, while the job runs, that everything it listens
on is loopback.

(The far-late events are written after the catch-up, not among the preloaded records: while a
shard has not delivered yet it holds the watermark back, so during a catch-up an old event of
another shard is — rightly — not late yet, whichever order a single shard would have had.)"""

from __future__ import annotations

import psutil
import pytest

from flink_app.config import load_config
from producer.kinesis_writer import KinesisWriter
from streamwatch.analyses.lake import Lake
from streamwatch.local.lake_state import LakeState
from streamwatch.local.local_kinesis import LocalKinesis
from tests.flink_app.scenarios import generate
from tests.reference.contract import evaluate
from tests.streamwatch.lake_checks import (SESSION_KEYS, WINDOW_KEYS, comparable, is_loopback, listening_sockets,
                                           wait_for_committed)

pytestmark = [pytest.mark.flink, pytest.mark.kinesis]


@pytest.fixture(scope="module")
def records():
    """The preloaded records, then the far-late ones (event_id late-N)."""
    # no same-millisecond events of a key: their order would depend on how the exchanges of a
    # parallel job interleave (the order of ties is checked at parallelism 1, in tests/flink_app)
    generated = generate(seed=21, keys=48, events_per_key=40, same_ms_ties=False)
    late = [record for record in generated if '"event_id": "late-' in record]
    assert len(late) == 6
    return [record for record in generated if record not in late] + late


@pytest.fixture(scope="module")
def run(connector_jar, records, tmp_path_factory):
    from streamwatch.local.flink_runner import start_job

    lake = tmp_path_factory.mktemp("shards") / "lake"
    preloaded, late = records[:-6], records[-6:]
    with LocalKinesis(shards=4) as kinesis:
        writer = KinesisWriter(kinesis.client(), kinesis.stream_name)
        assert writer.write(preloaded).failed == 0
        shard_sizes = _records_per_shard(kinesis)
        config = load_config().with_overrides(
            source_type="kinesis", source_stream_arn=kinesis.stream_arn, source_aws_endpoint=kinesis.endpoint,
            source_aws_region=kinesis.region, lake_root=str(lake), parallelism=2, checkpoint_interval_ms=1000,
            # hours of event time preloaded: a wide drift and a quick exchange keep the aligned catch-up fast
            alignment_max_drift_ms=600_000, shard_sync_interval_ms=200,
        )
        state = LakeState(lake)
        job = start_job(config, state=state)
        try:
            sockets = listening_sockets(psutil.Process())
            wait_for_committed(lake, len(preloaded), timeout_s=300, alive=lambda: job.status() == "RUNNING")
            assert writer.write(late).failed == 0
            wait_for_committed(lake, len(records), timeout_s=120, alive=lambda: job.status() == "RUNNING")
            job.stop_with_savepoint(state.savepoints, drain=True)
        finally:
            job.cancel()
    return Lake(lake), sockets, shard_sizes


def _records_per_shard(kinesis) -> list[int]:
    client = kinesis.client()
    sizes = []
    for shard in client.list_shards(StreamName=kinesis.stream_name)["Shards"]:
        iterator = client.get_shard_iterator(StreamName=kinesis.stream_name, ShardId=shard["ShardId"],
                                             ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        sizes.append(len(client.get_records(ShardIterator=iterator, Limit=10_000)["Records"]))
    return sizes


def test_every_shard_held_records_before_the_job_started(run, records):
    _, _, shard_sizes = run
    assert len(shard_sizes) == 4 and sum(shard_sizes) == len(records) - 6 and min(shard_sizes) > 0


def test_no_on_time_event_is_late(run, records):
    lake, _, _ = run
    expected = evaluate(records)
    assert sorted(row["event_id"] for row in lake.rows("late")) == sorted(e["event_id"] for e in expected.late)


def test_sessions_and_windows_equal_the_single_shard_reference(run, records):
    lake, _, _ = run
    expected = evaluate(records)
    assert comparable(lake.rows("processed/sessions"), SESSION_KEYS) == comparable(expected.sessions, SESSION_KEYS)
    assert comparable(lake.rows("processed/title_watch_5m"), WINDOW_KEYS) == comparable(expected.title_windows, WINDOW_KEYS)


def test_the_running_job_listens_on_loopback_only(run):
    _, sockets, _ = run
    java = [s for s in sockets if "java" in s[1]]
    assert java, "the job's JVM listens on nothing: the check would pass vacuously"
    assert [s for s in sockets if not is_loopback(s[2])] == []
