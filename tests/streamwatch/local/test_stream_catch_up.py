"""Catch-up with bounded state (issue 13 item 3): a stream read from TRIM_HORIZON whose shards are
read at different speeds. One shard is dense (many viewers), the other sparse (few viewers, the
same forty minutes of event time); both are read at the same records per second (the connector's
own limit per GetRecords, set through the source group's consumer.* keys), so the sparse shard
covers event time ten times faster. The job's event time follows the dense shard, and every event
the sparse shard delivers ahead of it waits in the per-viewer step until the watermark passes it.

The source keeps the shards aligned: a shard whose own watermark runs more than
source.alignment.max-drift.ms ahead of the job's waits. So the widest span of event time that the
per-viewer step ever held waiting stays within the drift (plus the out-of-orderness and what the
source subtasks' exchange and the records in flight let through), where without alignment it would be nearly
the forty minutes. The lake is still exactly the reference's."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime, timedelta

import pytest

from flink_app.config import load_config
from producer.kinesis_writer import KinesisWriter
from streamwatch.local.flink_rest import FlinkRest
from streamwatch.analyses.lake import Lake
from streamwatch.local.lake_state import LakeState
from streamwatch.local.local_kinesis import LocalKinesis
from tests.reference.contract import evaluate
from tests.streamwatch.lake_checks import SESSION_KEYS, WINDOW_KEYS, arrivals_of, comparable, wait_for_committed

pytestmark = [pytest.mark.flink, pytest.mark.kinesis]

SPAN = timedelta(minutes=40)
MAX_DRIFT_MS = 120_000
SYNC_MS = 250
DENSE, SPARSE = 20, 2  # viewers on each shard
HEARTBEAT = timedelta(seconds=6)
# the drift, plus the out-of-orderness, plus what the slowest shard reads in the time the others
# learn of it (an exchange, and the records and watermarks on their way to the per-viewer step)
WIDEST_ALLOWED_MS = 2 * MAX_DRIFT_MS


def _users(on_low_half: bool, count: int) -> list[str]:
    """User ids whose partition-key hash falls in the lower (shard 0) or upper half (shard 1) of
    the hash range: a 2-shard stream splits it in the middle."""
    users, n = [], 0
    while len(users) < count:
        user = f"user-{n:05d}"
        low = int(hashlib.md5(user.encode()).hexdigest(), 16) < 2**127
        if low == on_low_half:
            users.append(user)
        n += 1
    return users


def _records() -> list[str]:
    """Heartbeats every 6 s for 40 minutes: 20 viewers on the dense shard, 2 on the sparse one,
    in event-time order."""
    start = datetime(2026, 11, 20, 20, 0, 0)
    timeline = []
    for index, user in enumerate(_users(True, DENSE) + _users(False, SPARSE)):
        moment = start + timedelta(milliseconds=index * 137)
        event_type = "play"
        while moment < start + SPAN:
            timeline.append((moment, {"event_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{user}/{moment}")),
                                      "event_type": event_type, "event_ts": moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
                                      "user_id": user, "device_id": f"{user}-tv", "device_type": "tv", "country": "US",
                                      "title_id": f"title-{index % 4}", "position_ms": 0, "schema_version": 1}))
            moment += HEARTBEAT
            event_type = "heartbeat"
    timeline.sort(key=lambda item: item[0])
    return [json.dumps(event) for _, event in timeline]


@pytest.fixture(scope="module")
def run(connector_jar, tmp_path_factory):
    from streamwatch.local.flink_runner import start_job

    lake = tmp_path_factory.mktemp("catch-up") / "lake"
    records = _records()
    with LocalKinesis(shards=2) as kinesis:
        assert KinesisWriter(kinesis.client(), kinesis.stream_name).write(records).failed == 0
        config = load_config().with_overrides(
            source_type="kinesis", source_stream_arn=kinesis.stream_arn, source_aws_endpoint=kinesis.endpoint,
            source_aws_region=kinesis.region, lake_root=str(lake), parallelism=2, checkpoint_interval_ms=1000,
            alignment_max_drift_ms=MAX_DRIFT_MS, shard_sync_interval_ms=SYNC_MS,
            source_consumer_properties=(("flink.shard.getrecords.maxrecordcount", "50"),),
        )
        state = LakeState(lake)
        job = start_job(config, state=state)
        try:
            wait_for_committed(lake, len(records), timeout_s=300, alive=lambda: job.status() == "RUNNING")
            widest = _widest_waiting_span_ms(job)
            job.stop_with_savepoint(state.savepoints, drain=True)
        finally:
            job.cancel()
    return Lake(lake), records, widest


def _widest_waiting_span_ms(job) -> float:
    """The per-viewer step's maxWaitingSpanMs, the largest over its subtasks (the REST endpoint
    lists a metric once its fetcher has seen it: asked until it answers)."""
    from streamwatch.local.flink_runner import wait_until

    rest = FlinkRest(job.rest_url)
    vertex = next(v for v in rest.vertices(job.job_id) if v.name.startswith("Viewing sessions"))
    found: list[float] = []

    def read() -> bool:
        names = [n for n in rest.metric_names(job.job_id, vertex.id) if n.endswith("maxWaitingSpanMs")]
        rows = rest.subtask_metrics(job.job_id, vertex.id, names) if names else {}
        if names and "max" in rows.get(names[0], {}):
            found.append(float(rows[names[0]]["max"]))
        return bool(found)

    assert wait_until(read, timeout_s=30, poll_s=1.0), "the per-viewer step published no maxWaitingSpanMs"
    return found[0]


def test_the_sparse_shard_alone_would_run_far_ahead():
    """The case is one where alignment matters: the sparse shard holds the whole span in a tenth
    of the records."""
    records = _records()
    sparse = set(_users(False, SPARSE))
    assert sum(json.loads(r)["user_id"] in sparse for r in records) * 8 < len(records)
    assert SPAN.total_seconds() * 1000 > 8 * WIDEST_ALLOWED_MS


def test_waiting_state_stays_within_the_alignment_window(run):
    _, _, widest = run
    # drift + out-of-orderness + what one exchange interval can add at this catch-up speed
    assert 0 < widest <= WIDEST_ALLOWED_MS, widest


def test_the_lake_is_the_references(run):
    lake, records, _ = run
    expected = evaluate(records, arrivals=arrivals_of(lake, records))
    assert lake.rows("late") == [] and expected.late == []
    assert comparable(lake.rows("processed/sessions"), SESSION_KEYS) == comparable(expected.sessions, SESSION_KEYS)
    assert comparable(lake.rows("processed/title_watch_5m"), WINDOW_KEYS) == \
        comparable(expected.title_windows, WINDOW_KEYS)
