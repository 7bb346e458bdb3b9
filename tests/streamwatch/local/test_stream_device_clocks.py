"""Device clocks (issue 13 item 2), through the local Kinesis in real time: viewers watch for about
a minute and a half on a 2-shard stream read at parallelism 2, and a few devices on each shard
have a clock 10 minutes fast or 4 minutes slow. Each record carries sent_at, stamped by the
device's clock when the producer sends it (producer/outgoing.py), so the job takes event time as
event_ts + (arrival − sent_at): nothing is late, the fast devices move nobody's event time, and the
play starts per minute are the true counts.

The true time of each event is known here; a play is never started in the last seconds of a
minute, so the few milliseconds between its true time and its arrival cannot carry it into the next."""

from __future__ import annotations

import random
import time
import uuid
from collections import Counter
from datetime import datetime, timezone

import pytest

from flink_app.config import load_config
from producer.kinesis_writer import KinesisWriter
from producer.outgoing import OutgoingEvent
from producer.simulator import format_ts
from streamwatch.analyses.lake import Lake
from streamwatch.local.lake_state import LakeState
from streamwatch.local.local_kinesis import LocalKinesis
from tests.streamwatch.lake_checks import wait_for_committed

pytestmark = [pytest.mark.flink, pytest.mark.kinesis]

VIEWERS = 36
FAST_MS, SLOW_MS = 10 * 60_000, -4 * 60_000
RUN_S = 95
HEARTBEAT_MS = 4_000


class Viewer:
    """One user on one device, playing titles: a play, heartbeats, now and then a stop and a new play."""

    def __init__(self, index: int, rng: random.Random, now_ms: int):
        self.user, self.device = f"clock-user-{index:03d}", f"clock-device-{index:03d}"
        self.device_type = rng.choice(["tv", "mobile", "web"])
        self.country = rng.choice(["US", "DE", "BR"])
        # per shard and in all: every sixth device 10 minutes fast, the next one 4 minutes slow
        self.offset_ms = {0: FAST_MS, 1: SLOW_MS}.get(index % 6, 0)
        self.rng = rng
        self.title = None
        self.position = 0
        self.next_ms = now_ms + rng.randint(0, 8_000)

    def event(self, now_ms: int) -> dict | None:
        """The event due at true time ``now_ms`` (or None), as this device's clock writes it."""
        if now_ms < self.next_ms:
            return None
        starting = self.title is None
        if not starting and self.rng.random() < 0.12:
            event_type, self.title = "stop", self.title  # the stop closes this title; a play follows
            starting_next = True
        else:
            starting_next = False
        if starting:
            second = (now_ms // 1000) % 60
            if second >= 55 or second < 2:
                self.next_ms = now_ms + 500  # no play near a minute's edge (see the module docstring)
                return None
            self.title, self.position, event_type = f"title-{self.rng.randint(0, 9):02d}", 0, "play"
        elif not starting_next:
            event_type = "heartbeat"
            self.position += HEARTBEAT_MS
        event = {"event_id": str(uuid.UUID(int=self.rng.getrandbits(128))), "event_type": event_type,
                 "event_ts": format_ts(now_ms + self.offset_ms), "user_id": self.user, "device_id": self.device,
                 "device_type": self.device_type, "country": self.country, "title_id": self.title,
                 "position_ms": self.position, "schema_version": 1}
        if starting_next:
            self.title = None
        self.next_ms = now_ms + (HEARTBEAT_MS if not starting_next else self.rng.randint(1_000, 3_000))
        return event


@pytest.fixture(scope="module")
def run(connector_jar, tmp_path_factory):
    from streamwatch.local.flink_runner import start_job

    lake = tmp_path_factory.mktemp("clocks") / "lake"
    rng = random.Random(13)
    truth: list[tuple[int, dict, int]] = []  # (true ms, event as sent, clock offset)
    with LocalKinesis(shards=2) as kinesis:
        config = load_config().with_overrides(
            source_type="kinesis", source_stream_arn=kinesis.stream_arn, source_aws_endpoint=kinesis.endpoint,
            source_aws_region=kinesis.region, lake_root=str(lake), parallelism=2, checkpoint_interval_ms=1000,
            shard_sync_interval_ms=500,
        )
        state = LakeState(lake)
        job = start_job(config, state=state)
        try:
            writer = KinesisWriter(kinesis.client(), kinesis.stream_name)
            started = int(time.time() * 1000)
            viewers = [Viewer(i, rng, started) for i in range(VIEWERS)]
            while (now := int(time.time() * 1000)) < started + RUN_S * 1000:
                batch = []
                for viewer in viewers:
                    event = viewer.event(now)
                    if event is not None:
                        truth.append((now, event, viewer.offset_ms))
                        batch.append(OutgoingEvent(event, clock_offset_ms=viewer.offset_ms))
                if batch:
                    assert writer.write(batch).failed == 0
                time.sleep(0.2)
            wait_for_committed(lake, len(truth), timeout_s=120, alive=lambda: job.status() == "RUNNING")
            job.stop_with_savepoint(state.savepoints, drain=True)
        finally:
            job.cancel()
    return Lake(lake), truth


def test_the_devices_had_skewed_clocks_and_sent_at(run):
    lake, truth = run
    offsets = Counter(offset for _, _, offset in truth)
    assert offsets[FAST_MS] > 50 and offsets[SLOW_MS] > 50 and offsets[0] > 200
    records = [row["record"] for row in lake.rows("raw")]
    assert len(records) == len(truth) and all('"sent_at":' in record for record in records)


def test_nothing_is_late_and_nothing_rejected(run):
    lake, _ = run
    assert lake.rows("late") == []
    assert lake.rows("dlq") == []


def test_play_starts_per_minute_are_the_true_counts(run):
    lake, truth = run
    expected = Counter()
    for true_ms, event, _ in truth:
        if event["event_type"] == "play":
            expected[datetime.fromtimestamp(true_ms // 60_000 * 60, timezone.utc).replace(tzinfo=None)] += 1
    got = Counter()
    for row in lake.rows("processed/play_starts_1m"):
        got[row["window_start"]] += row["play_starts"]
    assert len(expected) >= 2 and sum(expected.values()) > 40
    assert got == expected


def test_sessions_start_at_the_true_time_whatever_the_device_clock(run):
    lake, truth = run
    first_true_ms: dict[str, int] = {}
    for true_ms, event, _ in truth:
        first_true_ms.setdefault(event["device_id"], true_ms)
    sessions = lake.rows("processed/sessions")
    assert {row["device_id"] for row in sessions} == set(first_true_ms)
    for row in sessions:
        start_ms = int(row["session_start"].replace(tzinfo=timezone.utc).timestamp() * 1000)
        assert abs(start_ms - first_true_ms[row["device_id"]]) < 3_000, row
