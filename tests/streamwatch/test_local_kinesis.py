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

from streamwatch.local_kinesis import LocalKinesis, LocalKinesisError

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
