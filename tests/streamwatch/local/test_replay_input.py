"""The staged input of a file replay (streamwatch/local/replay_input.py): plain JSON lines as before, a
raw zone as one line per record in the order Kinesis delivered it."""

from __future__ import annotations

import json

import pytest

from streamwatch.local.replay_input import JSONL, RAW_ZONE, ReplayInputError, ordered_replay_input
from streamwatch.local.stream_run import count_records
from tests.streamwatch.zone_files import write_raw

SHARD_A, SHARD_B = "shardId-000000000000", "shardId-000000000001"


def epoch_ms(text: str) -> int:
    from tests.streamwatch.zone_files import instant

    return int(instant(text).timestamp() * 1000)


# ---------------------------------------------------------------- plain JSON lines


def test_a_single_jsonl_file_is_replayed_as_it_is(tmp_path):
    source = tmp_path / "events.jsonl"
    source.write_text('{"event_id": "a"}\n')
    with ordered_replay_input(source, staging=tmp_path / "staged.jsonl") as staged:
        assert staged == (source, JSONL)
    assert not (tmp_path / "staged.jsonl").exists()


def test_jsonl_files_are_concatenated_in_path_order(tmp_path):
    directory = tmp_path / "in"
    (directory / "b").mkdir(parents=True)
    (directory / "b" / "part-1").write_text('{"n": 2}\n{"n": 3}')  # no final newline
    (directory / "a-part-0").write_text('{"n": 1}\n')
    (directory / "b" / ".part-9.inprogress").write_text('{"n": 99}\n')
    staging = tmp_path / "_flink" / "replay-input.jsonl"
    with ordered_replay_input(directory, staging=staging) as staged:
        assert staged.kind == JSONL and staged.path == staging
        assert [json.loads(line)["n"] for line in staging.read_text().splitlines() if line] == [1, 2, 3]
        assert count_records(staged.path) == 3
    assert staging.exists()  # the caller removes it once the replay has finished
    assert not staging.with_name(staging.name + ".partial").exists()


def test_a_staged_file_that_exists_is_reused_as_a_resumed_replay_needs(tmp_path):
    directory = tmp_path / "in"
    directory.mkdir()
    (directory / "part-0").write_text('{"n": 1}\n')
    (directory / "part-1").write_text('{"n": 2}\n')
    staging = tmp_path / "replay-input.jsonl"
    staging.write_text('{"n": "checkpointed on this"}\n')
    with ordered_replay_input(directory, staging=staging) as staged:
        assert staged.path.read_text() == '{"n": "checkpointed on this"}\n'


def test_without_a_staging_path_a_temporary_file_is_removed_afterwards(tmp_path):
    directory = tmp_path / "in"
    directory.mkdir()
    (directory / "part-0").write_text('{"n": 1}\n')
    (directory / "part-1").write_text('{"n": 2}\n')
    with ordered_replay_input(directory) as staged:
        temporary = staged.path
        assert count_records(temporary) == 2
    assert not temporary.exists()


# ---------------------------------------------------------------- a raw zone


def test_a_raw_zone_is_staged_in_arrival_shard_and_sequence_order(tmp_path):
    raw = tmp_path / "lake" / "raw" / "dt=2024-03-09"
    # hr=07 sorts before hr=08 by path, but holds the later arrivals: the order is arrival's
    write_raw(raw / "hr=07" / "part-0-0", [
        ('{"event_id": "late-one"}', "2024-03-09T08:00:05.000Z", SHARD_A, "900"),
        ('{"event_id": "b2"}', "2024-03-09T08:00:01.000Z", SHARD_B, "10"),
    ])
    write_raw(raw / "hr=08" / "part-0-0", [
        # same millisecond on one shard: 9 < 10 < 100 as numbers (as text "10" < "100" < "9")
        ('{"event_id": "a100"}', "2024-03-09T08:00:01.000Z", SHARD_A, "100"),
        ('{"event_id": "a9"}', "2024-03-09T08:00:01.000Z", SHARD_A, "9"),
        ('{"event_id": "a10"}', "2024-03-09T08:00:01.000Z", SHARD_A, "10"),
        ('{"event_id": "first"}', "2024-03-09T08:00:00.000Z", SHARD_B, "5"),
        # Kinesis sequence numbers run past any integer type
        ('{"event_id": "huge"}', "2024-03-09T08:00:03.000Z", SHARD_A,
         "49590338271490256608559692538361571095921575989136588802"),
        ('{"event_id": "huger"}', "2024-03-09T08:00:03.000Z", SHARD_A,
         "149590338271490256608559692538361571095921575989136588802"),
    ], int96=True)
    (raw / "hr=08" / "_SUCCESS").write_bytes(b"")
    staging = tmp_path / "replay-input.jsonl"
    with ordered_replay_input(raw, staging=staging) as staged:
        assert staged == (staging, RAW_ZONE)
        lines = [json.loads(line) for line in staging.read_text(encoding="utf-8").splitlines()]
    assert [json.loads(line[3])["event_id"] for line in lines] == [
        "first", "a9", "a10", "a100", "b2", "huge", "huger", "late-one"]
    assert lines[0] == [epoch_ms("2024-03-09T08:00:00Z"), SHARD_B, "5", '{"event_id": "first"}']
    assert count_records(staging) == 8


def test_a_record_with_a_newline_and_quotes_stays_on_one_line_exactly_as_received(tmp_path):
    received = '{"event_id": "q", "search_query": "say \\"hi\\"",\n "app_version": "ünï\\u2028"}'
    write_raw(tmp_path / "raw" / "dt=2024-03-09" / "hr=08" / "part-0", [
        (received, "2024-03-09T08:00:00.000Z", SHARD_A, "1"),
        ('{"event_id": "next"}', "2024-03-09T08:00:00.001Z", SHARD_A, "2"),
    ])
    with ordered_replay_input(tmp_path / "raw") as staged:
        text = staged.path.read_bytes()
    lines = text.split(b"\n")
    assert lines[-1] == b"" and len(lines) == 3  # two records, two lines
    arrival, shard, sequence, record = json.loads(lines[0])
    assert record == received and (shard, sequence) == (SHARD_A, "1")
    assert arrival == epoch_ms("2024-03-09T08:00:00Z")


def test_a_replay_of_a_plain_file_s_records_has_no_shard_and_keeps_read_order_on_ties(tmp_path):
    same = "2024-03-09T08:00:00.000Z"
    write_raw(tmp_path / "raw" / "hr=08" / "part-0", [
        ('{"event_id": "x"}', same, None, None),
        ('{"event_id": "y"}', same, None, None),
        ('{"event_id": "k"}', "2024-03-09T07:59:59.999Z", SHARD_A, "1"),
    ])
    with ordered_replay_input(tmp_path / "raw") as staged:
        lines = [json.loads(line) for line in staged.path.read_text().splitlines()]
    assert [(line[1], line[2], json.loads(line[3])["event_id"]) for line in lines] == [
        (SHARD_A, "1", "k"), (None, None, "x"), (None, None, "y")]


def test_a_single_parquet_file_is_staged_too(tmp_path):
    part = write_raw(tmp_path / "part-0", [('{"event_id": "a"}', "2024-03-09T08:00:00.000Z", SHARD_A, "1")])
    staging = tmp_path / "staged.jsonl"
    with ordered_replay_input(part, staging=staging) as staged:
        assert staged == (staging, RAW_ZONE)
        assert count_records(staging) == 1


# ---------------------------------------------------------------- refused


def test_mixed_input_is_refused_and_says_so(tmp_path):
    write_raw(tmp_path / "in" / "hr=08" / "part-0", [('{"event_id": "a"}', "2024-03-09T08:00:00.000Z", None, None)])
    (tmp_path / "in" / "hr=09").mkdir()
    (tmp_path / "in" / "hr=09" / "part-0").write_text('{"event_id": "b"}\n')
    with pytest.raises(ReplayInputError, match="mixes Parquet files of a raw zone .* with JSON-lines files"):
        with ordered_replay_input(tmp_path / "in", staging=tmp_path / "staged.jsonl"):
            pass
    assert not (tmp_path / "staged.jsonl").exists()


@pytest.mark.parametrize("layout", ["no files", "only hidden files", "empty files", "parquet without rows"])
def test_empty_input_is_refused(tmp_path, layout):
    directory = tmp_path / "in"
    directory.mkdir()
    if layout == "only hidden files":
        (directory / "_SUCCESS").write_text("")
        (directory / ".part-0.inprogress").write_text('{"event_id": "a"}\n')
    elif layout == "empty files":
        (directory / "part-0").write_bytes(b"")
    elif layout == "parquet without rows":
        write_raw(directory / "part-0", [])
    with pytest.raises(ReplayInputError, match="no data files|no records"):
        with ordered_replay_input(directory, staging=tmp_path / "staged.jsonl"):
            pass
    assert not (tmp_path / "staged.jsonl").exists()


def test_a_missing_input_is_refused(tmp_path):
    with pytest.raises(ReplayInputError, match="does not exist"):
        with ordered_replay_input(tmp_path / "nowhere"):
            pass
