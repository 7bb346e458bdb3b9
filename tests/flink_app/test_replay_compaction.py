"""Compaction of the lake's files (issue 14 item 2): the same replay at parallelism 2 with the
sinks' compaction on (the default, lake.compaction.file-size.mb 128) and off (0) writes exactly the
same rows in every zone and partition, and fewer objects.

The input is a staged raw zone (each record with its arrival, shard and sequence number), so every
column, arrival and received_at included, is the same in both runs."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta

import pytest

from streamwatch.analyses.lake import Lake
from tests.conftest import bad_corpus
from tests.flink_app.scenarios import generate

pytestmark = pytest.mark.flink

ZONES = ("raw", "dlq", "late", "processed/sessions", "processed/title_watch_5m", "processed/play_starts_1m",
         "processed/stream_progress")


def _staged(records: list[str]) -> list[str]:
    """Raw-zone lines: a record arrives one second after the newest event time seen so far (bad
    records a millisecond after the one before), on one of two shards."""
    lines, newest, sequence = [], datetime(2026, 11, 20, 22, 50), 0
    for record in records:
        try:
            stamp = datetime.strptime(json.loads(record)["event_ts"][:19], "%Y-%m-%dT%H:%M:%S")
            newest = max(newest, stamp + timedelta(seconds=1))
        except (ValueError, KeyError, TypeError):
            newest += timedelta(milliseconds=1)
        sequence += 1
        arrival = int((newest - datetime(1970, 1, 1)).total_seconds() * 1000)
        lines.append(json.dumps([arrival, f"shardId-00000000000{sequence % 2}", f"{sequence:020d}", record]))
    return lines


@pytest.fixture(scope="module")
def lakes(replay) -> tuple[Lake, Lake]:
    records = generate(seed=23, keys=30, events_per_key=50)
    records[100:100] = [record for record, _ in bad_corpus()[:5]]
    lines = _staged(records)
    # one checkpoint per run, the final one: the interval is longer than the replay
    settings = {"source_replay_format": "raw-zone", "parallelism": 2, "checkpoint_interval_ms": 600_000}
    compacted = replay(lines, name="compacted", **settings)
    uncompacted = replay(lines, name="uncompacted", compaction_file_size_mb=0, **settings)
    return compacted, uncompacted


def _rows(lake: Lake, zone: str) -> Counter:
    return Counter(tuple(sorted((key, str(value)) for key, value in row.items())) for row in lake.rows(zone))


@pytest.mark.parametrize("zone", ZONES)
def test_compaction_leaves_every_row_as_it_was(lakes, zone):
    compacted, uncompacted = lakes
    rows = _rows(uncompacted, zone)
    assert sum(rows.values()) > 0, f"{zone}: the scenario wrote nothing there, so the test would prove nothing"
    assert _rows(compacted, zone) == rows


def _files_per_partition(lake: Lake, zone: str) -> Counter:
    return Counter(path.parent.relative_to(lake.zone(zone)).as_posix() for path in lake.data_files(zone))


def test_compaction_writes_one_object_per_partition_and_checkpoint(lakes):
    """Both runs commit once, at the final checkpoint (the interval is longer than the run): with
    compaction a partition gets one file of it, without one per task that wrote into it."""
    compacted, uncompacted = lakes
    for zone in ZONES:
        files = _files_per_partition(compacted, zone)
        assert set(files) == set(_files_per_partition(uncompacted, zone)), zone
        assert set(files.values()) == {1}, (zone, files)
        assert all(path.name.startswith("compacted-") for path in compacted.data_files(zone))
    # two tasks write the keyed zones: without compaction the commit leaves a file of each
    assert max(_files_per_partition(uncompacted, "processed/sessions").values()) == 2
