from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from streamwatch.local.local_kinesis import LocalKinesis, LocalKinesisError

pytestmark = pytest.mark.kinesis


def refuses_connections(endpoint: str) -> bool:
    host, port = endpoint.removeprefix("http://").split(":")
    try:
        socket.create_connection((host, int(port)), timeout=1).close()
    except OSError:
        return True
    return False


def read_all(client, stream_name):
    data = []
    for shard in client.list_shards(StreamName=stream_name)["Shards"]:
        iterator = client.get_shard_iterator(
            StreamName=stream_name, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        while iterator:
            response = client.get_records(ShardIterator=iterator, Limit=1000)
            data.extend(r["Data"] for r in response["Records"])
            if not response["Records"]:
                break
            iterator = response.get("NextShardIterator")
    return data


def test_round_trip_and_nothing_left_running():
    with LocalKinesis(stream_name="round-trip", shards=2, region="eu-west-1") as kinesis:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", kinesis.endpoint)
        assert re.fullmatch(r"arn:aws:kinesis:eu-west-1:\d{12}:stream/round-trip", kinesis.stream_arn)
        client = kinesis.client()
        summary = client.describe_stream_summary(StreamName="round-trip")["StreamDescriptionSummary"]
        assert summary["StreamStatus"] == "ACTIVE" and summary["OpenShardCount"] == 2
        sent = [f'{{"n":{i}}}'.encode() for i in range(50)]
        response = client.put_records(
            StreamName="round-trip", Records=[{"Data": d, "PartitionKey": f"k{i}"} for i, d in enumerate(sent)]
        )
        assert response["FailedRecordCount"] == 0
        assert sorted(read_all(client, "round-trip")) == sorted(sent)
        process, endpoint = kinesis.process, kinesis.endpoint
    assert process.poll() is not None
    with pytest.raises(ProcessLookupError):
        os.kill(process.pid, 0)
    assert refuses_connections(endpoint)


def test_the_server_stops_when_the_block_raises():
    with pytest.raises(KeyboardInterrupt):
        with LocalKinesis(stream_name="interrupted", shards=None) as kinesis:
            process, endpoint = kinesis.process, kinesis.endpoint
            mode = kinesis.client().describe_stream_summary(StreamName="interrupted")
            assert mode["StreamDescriptionSummary"]["StreamModeDetails"]["StreamMode"] == "ON_DEMAND"
            raise KeyboardInterrupt
    assert process.poll() is not None
    assert refuses_connections(endpoint)


def test_a_taken_port_is_a_clear_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = LocalKinesis(port=port, startup_timeout=20)
        # the port answers nothing moto-like: either moto exits, or the probe times out
        with pytest.raises(LocalKinesisError, match="moto server"):
            server.__enter__()
        assert server.process is None


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "kill"])
def test_command_prints_endpoint_and_arn_and_stops_on_ctrl_c(tmp_path, stop_signal):
    process = subprocess.Popen(
        [sys.executable, "-c", "from streamwatch.cli import main; main()",
         "local-kinesis", "--stream-name", "cli-stream"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        lines = []
        deadline = time.monotonic() + 60
        while not any("Press Ctrl-C" in line for line in lines):
            line = process.stdout.readline()
            assert line and time.monotonic() < deadline, "".join(lines)
            lines.append(line)
        text = "".join(lines)
        endpoint = re.search(r"endpoint\s+(http://127\.0\.0\.1:\d+)", text).group(1)
        assert re.search(r"stream ARN\s+arn:aws:kinesis:us-east-1:\d{12}:stream/cli-stream", text)
        assert not refuses_connections(endpoint)
        process.send_signal(stop_signal)
        assert process.wait(timeout=30) == 0
        assert "Stopped" in process.stdout.read()
        assert refuses_connections(endpoint)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_command_help_has_an_example():
    from streamwatch.cli import main

    result = CliRunner().invoke(main, ["local-kinesis", "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output and "streamwatch local-kinesis" in result.output


def test_stop_kills_a_server_that_ignores_terminate():
    stubborn = subprocess.Popen(
        [sys.executable, "-c", "import signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN);"
         " print('ready', flush=True); time.sleep(120)"],
        stdout=subprocess.PIPE, text=True,
    )
    assert stubborn.stdout.readline().strip() == "ready"  # SIGTERM is ignored from here on
    server = LocalKinesis(stop_timeout=0.5)
    server.process = stubborn
    started = time.monotonic()
    server.stop()
    assert stubborn.returncode == -signal.SIGKILL
    assert time.monotonic() - started < 10
    server.stop()  # a second stop is harmless


# --- resharding as on AWS (streamwatch/local/moto_kinesis.py) -------------------------------------------
# One server for these tests; each makes its own stream. Expected shards come from the hash key
# ranges as AWS defines them: MD5 of the partition key (or the explicit hash key), ranges inclusive.

HALF = 2**127  # where these tests split the hash key space
TOP = 2**128 - 1


@pytest.fixture(scope="module")
def kinesis():
    with LocalKinesis(stream_name="resharding") as server:
        yield server


@pytest.fixture(scope="module")
def client(kinesis):
    return kinesis.client()


def new_stream(client, name: str, shards: int) -> None:
    client.create_stream(StreamName=name, ShardCount=shards, StreamModeDetails={"StreamMode": "PROVISIONED"})
    status = client.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamStatus"]
    assert status == "ACTIVE"


def hash_key(partition_key: str) -> int:
    import hashlib

    return int(hashlib.md5(partition_key.encode()).hexdigest(), 16)


def put(client, stream: str, data: str, partition_key: str | None = None, hash_key: int | None = None) -> dict:
    extra = {"ExplicitHashKey": str(hash_key)} if hash_key is not None else {}
    return client.put_record(StreamName=stream, Data=data.encode(), PartitionKey=partition_key or data, **extra)


def read_shard(client, stream: str, shard_id: str, iterator_type: str = "TRIM_HORIZON", limit: int = 3, **start):
    """(records, last response): reads until a closed shard ends or an open one has nothing more."""
    iterator = client.get_shard_iterator(
        StreamName=stream, ShardId=shard_id, ShardIteratorType=iterator_type, **start
    )["ShardIterator"]
    records = []
    for _ in range(100):  # bounded: a closed shard that never ends must fail, not hang
        response = client.get_records(ShardIterator=iterator, Limit=limit)
        records.extend(response["Records"])
        iterator = response.get("NextShardIterator")
        if iterator is None or not response["Records"]:
            return records, response
    pytest.fail(f"{shard_id} did not end after 100 GetRecords calls")


def data(records) -> list[str]:
    return [record["Data"].decode() for record in records]


def shards_by_id(client, stream: str) -> dict[str, dict]:
    return {shard["ShardId"]: shard for shard in client.list_shards(StreamName=stream)["Shards"]}


def test_a_split_closes_the_parent_with_its_records_and_the_children_take_later_puts(client):
    new_stream(client, "split", shards=1)
    before = [f"before-{i}" for i in range(7)]
    after = [f"after-{i}" for i in range(20)]
    before_numbers = [int(put(client, "split", d)["SequenceNumber"]) for d in before]
    client.split_shard(StreamName="split", ShardToSplit="shardId-000000000000", NewStartingHashKey=str(HALF))
    placed = {d: put(client, "split", d)["ShardId"] for d in after}

    shards = shards_by_id(client, "split")
    assert sorted(shards) == ["shardId-000000000000", "shardId-000000000001", "shardId-000000000002"]
    low, high = shards["shardId-000000000001"], shards["shardId-000000000002"]
    assert low["ParentShardId"] == high["ParentShardId"] == "shardId-000000000000"
    assert low["HashKeyRange"] == {"StartingHashKey": "0", "EndingHashKey": str(HALF - 1)}
    assert high["HashKeyRange"] == {"StartingHashKey": str(HALF), "EndingHashKey": str(TOP)}
    expected_low = [d for d in after if hash_key(d) < HALF]
    expected_high = [d for d in after if hash_key(d) >= HALF]
    assert expected_low and expected_high  # the keys reach both children, or the test proves little
    assert placed == {d: "shardId-000000000001" if d in expected_low else "shardId-000000000002" for d in after}

    parent_records, last = read_shard(client, "split", "shardId-000000000000")
    assert data(parent_records) == before
    assert [int(r["SequenceNumber"]) for r in parent_records] == before_numbers
    assert "NextShardIterator" not in last and last["Records"] == [] and last["MillisBehindLatest"] == 0
    assert sorted(child["ShardId"] for child in last["ChildShards"]) == ["shardId-000000000001", "shardId-000000000002"]

    low_records, _ = read_shard(client, "split", "shardId-000000000001")
    high_records, _ = read_shard(client, "split", "shardId-000000000002")
    assert data(low_records) == expected_low
    assert data(high_records) == expected_high

    ending = int(shards["shardId-000000000000"]["SequenceNumberRange"]["EndingSequenceNumber"])
    child_numbers = [int(r["SequenceNumber"]) for r in low_records + high_records]
    assert max(before_numbers) <= ending < min(child_numbers)
    assert "EndingSequenceNumber" not in low["SequenceNumberRange"]


def test_a_merge_closes_both_parents_with_their_records_and_the_child_takes_later_puts(client):
    new_stream(client, "merge", shards=2)  # shard 0 holds hash keys 0 .. HALF-1, shard 1 the rest
    for i in range(4):
        put(client, "merge", f"low-{i}", hash_key=i)
        put(client, "merge", f"high-{i}", hash_key=HALF + i)
    client.merge_shards(StreamName="merge", ShardToMerge="shardId-000000000000",
                        AdjacentShardToMerge="shardId-000000000001")
    assert put(client, "merge", "later-low", hash_key=5)["ShardId"] == "shardId-000000000002"
    assert put(client, "merge", "later-high", hash_key=TOP)["ShardId"] == "shardId-000000000002"

    for parent, expected in [("shardId-000000000000", "low"), ("shardId-000000000001", "high")]:
        records, last = read_shard(client, "merge", parent)
        assert data(records) == [f"{expected}-{i}" for i in range(4)]
        assert "NextShardIterator" not in last and last["MillisBehindLatest"] == 0
        assert [child["ShardId"] for child in last["ChildShards"]] == ["shardId-000000000002"]
    child = shards_by_id(client, "merge")["shardId-000000000002"]
    assert child["ParentShardId"] == "shardId-000000000000"
    assert child["AdjacentParentShardId"] == "shardId-000000000001"
    assert child["HashKeyRange"] == {"StartingHashKey": "0", "EndingHashKey": str(TOP)}
    assert data(read_shard(client, "merge", "shardId-000000000002")[0]) == ["later-low", "later-high"]
    summary = client.describe_stream_summary(StreamName="merge")["StreamDescriptionSummary"]
    assert summary["OpenShardCount"] == 1


def test_shards_merge_in_either_order(client):
    new_stream(client, "merge-reversed", shards=2)
    client.merge_shards(StreamName="merge-reversed", ShardToMerge="shardId-000000000001",
                        AdjacentShardToMerge="shardId-000000000000")
    child = shards_by_id(client, "merge-reversed")["shardId-000000000002"]
    assert child["HashKeyRange"] == {"StartingHashKey": "0", "EndingHashKey": str(TOP)}


def test_a_closed_shard_can_be_neither_split_nor_merged_again(client):
    new_stream(client, "closed", shards=2)
    client.split_shard(StreamName="closed", ShardToSplit="shardId-000000000000", NewStartingHashKey="1000")
    with pytest.raises(client.exceptions.InvalidArgumentException):
        client.split_shard(StreamName="closed", ShardToSplit="shardId-000000000000", NewStartingHashKey="500")
    with pytest.raises(client.exceptions.InvalidArgumentException):
        client.merge_shards(StreamName="closed", ShardToMerge="shardId-000000000000",
                            AdjacentShardToMerge="shardId-000000000001")


def test_sequence_numbers_grow_across_the_stream_and_every_iterator_type_still_works(client):
    new_stream(client, "sequence", shards=2)
    numbers = []
    for i in range(6):  # alternate the two shards
        numbers.append(int(put(client, "sequence", f"a-{i}", hash_key=0 if i % 2 == 0 else HALF)["SequenceNumber"]))
    client.split_shard(StreamName="sequence", ShardToSplit="shardId-000000000001", NewStartingHashKey=str(HALF + 2**100))
    middle = time.time()  # every record above was stored before this, every record below after it
    for i in range(6):
        numbers.append(int(put(client, "sequence", f"b-{i}", hash_key=0 if i % 2 == 0 else HALF)["SequenceNumber"]))
    assert all(earlier < later for earlier, later in zip(numbers, numbers[1:])), numbers

    shard0 = "shardId-000000000000"
    expected0 = ["a-0", "a-2", "a-4", "b-0", "b-2", "b-4"]
    records, _ = read_shard(client, "sequence", shard0, limit=2)
    assert data(records) == expected0
    arrivals = [r["ApproximateArrivalTimestamp"].timestamp() for r in records]
    assert max(arrivals[:3]) <= middle <= min(arrivals[3:]) + 0.001  # Kinesis gives milliseconds
    in_shard = [int(r["SequenceNumber"]) for r in records]
    assert in_shard == sorted(in_shard)

    third = records[2]["SequenceNumber"]
    at, _ = read_shard(client, "sequence", shard0, "AT_SEQUENCE_NUMBER", StartingSequenceNumber=third)
    after, _ = read_shard(client, "sequence", shard0, "AFTER_SEQUENCE_NUMBER", StartingSequenceNumber=third)
    assert data(at) == expected0[2:]
    assert data(after) == expected0[3:]
    since, _ = read_shard(client, "sequence", shard0, "AT_TIMESTAMP", Timestamp=middle)
    assert data(since) == ["b-0", "b-2", "b-4"]
    everything, _ = read_shard(client, "sequence", shard0, "AT_TIMESTAMP", Timestamp=middle - 3600)
    assert data(everything) == expected0

    latest = client.get_shard_iterator(StreamName="sequence", ShardId=shard0, ShardIteratorType="LATEST")["ShardIterator"]
    put(client, "sequence", "c-0", hash_key=1)
    response = client.get_records(ShardIterator=latest)
    assert data(response["Records"]) == ["c-0"]
    assert int(response["Records"][0]["SequenceNumber"]) > max(numbers)


def test_a_hash_key_equal_to_a_shards_ending_hash_key_lands_in_that_shard(client):
    new_stream(client, "edges", shards=2)
    shards = shards_by_id(client, "edges")
    for shard_id, shard in shards.items():
        ending = int(shard["HashKeyRange"]["EndingHashKey"])
        assert put(client, "edges", f"end-of-{shard_id}", hash_key=ending)["ShardId"] == shard_id
    assert put(client, "edges", "top", hash_key=TOP)["ShardId"] == "shardId-000000000001"
    assert put(client, "edges", "just-above", hash_key=HALF)["ShardId"] == "shardId-000000000001"
    assert put(client, "edges", "just-below", hash_key=HALF - 1)["ShardId"] == "shardId-000000000000"


def test_update_shard_count_keeps_the_records_in_the_closed_parents(client):
    new_stream(client, "scaled", shards=1)
    put(client, "scaled", "old", hash_key=0)
    client.update_shard_count(StreamName="scaled", TargetShardCount=2, ScalingType="UNIFORM_SCALING")
    assert client.describe_stream_summary(StreamName="scaled")["StreamDescriptionSummary"]["OpenShardCount"] == 2
    put(client, "scaled", "new", hash_key=0)
    client.update_shard_count(StreamName="scaled", TargetShardCount=1, ScalingType="UNIFORM_SCALING")
    put(client, "scaled", "newest", hash_key=HALF)

    shards = shards_by_id(client, "scaled")
    assert sorted(shards) == [f"shardId-00000000000{i}" for i in range(4)]
    open_shards = [s for s in shards.values() if "EndingSequenceNumber" not in s["SequenceNumberRange"]]
    assert [s["ShardId"] for s in open_shards] == ["shardId-000000000003"]
    assert data(read_shard(client, "scaled", "shardId-000000000000")[0]) == ["old"]
    assert data(read_shard(client, "scaled", "shardId-000000000001")[0]) == ["new"]
    assert data(read_shard(client, "scaled", "shardId-000000000003")[0]) == ["newest"]
