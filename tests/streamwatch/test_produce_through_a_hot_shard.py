"""`streamwatch produce` through a local proxy that behaves like a hot shard: it refuses 30% of the
PutRecords entries (ProvisionedThroughputExceededException per entry) and whole calls now and then,
and forwards the rest to a local Kinesis (moto). Everything must arrive, once, each user's records
in the order the producer made them, and the command must exit 0.

The oracle is the same simulation written to a file (`produce --out`, same seed and start); the
records are compared without the `sent_at` each sink stamps when it sends them."""

from __future__ import annotations

import base64
import json
import random
import re
import threading
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from streamwatch.cli import main
from streamwatch.local.local_kinesis import LocalKinesis

ARGS = ["--events", "1500", "--seed", "11", "--users", "60", "--start", "2026-02-10T18:00:00Z"]
REFUSED_SHARE = 0.3
WHOLE_CALL_EVERY = 6


class HotShardProxy:
    """An HTTP proxy in front of a Kinesis endpoint that throttles PutRecords like a hot shard."""

    def __init__(self, upstream: str, seed: int = 7):
        self.upstream = upstream
        self.rng = random.Random(seed)
        self.calls = self.refused_entries = self.refused_calls = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                target = self.headers.get("X-Amz-Target", "")
                if target.endswith(".PutRecords"):
                    status, answer = proxy.put_records(body, dict(self.headers))
                else:
                    status, answer = proxy.forward(body, dict(self.headers))
                self.send_response(status)
                self.send_header("Content-Type", "application/x-amz-json-1.1")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def forward(self, body: bytes, headers: dict) -> tuple[int, bytes]:
        keep = {k: v for k, v in headers.items() if k.lower() in ("content-type", "x-amz-target", "authorization",
                                                                   "x-amz-date")}
        request = urllib.request.Request(self.upstream, data=body, headers=keep, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def put_records(self, body: bytes, headers: dict) -> tuple[int, bytes]:
        self.calls += 1
        if self.calls % WHOLE_CALL_EVERY == 0:
            self.refused_calls += 1
            return 400, json.dumps({"__type": "ProvisionedThroughputExceededException",
                                    "message": "Rate exceeded for shard shardId-000000000000"}).encode()
        request = json.loads(body)
        refused = [self.rng.random() < REFUSED_SHARE for _ in request["Records"]]
        accepted = [r for r, no in zip(request["Records"], refused) if not no]
        results = iter([])
        if accepted:
            status, answer = self.forward(json.dumps({**request, "Records": accepted}).encode(), headers)
            if status != 200:
                return status, answer
            results = iter(json.loads(answer)["Records"])
        merged = []
        for no in refused:
            if no:
                self.refused_entries += 1
                merged.append({"ErrorCode": "ProvisionedThroughputExceededException",
                               "ErrorMessage": "Rate exceeded for shard shardId-000000000000"})
            else:
                merged.append(next(results))
        failed = sum(1 for r in merged if "ErrorCode" in r)
        return 200, json.dumps({"FailedRecordCount": failed, "Records": merged}).encode()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def read_stream(kinesis: LocalKinesis) -> list[bytes]:
    client = kinesis.client()
    data = []
    for shard in client.list_shards(StreamName=kinesis.stream_name)["Shards"]:
        iterator = client.get_shard_iterator(StreamName=kinesis.stream_name, ShardId=shard["ShardId"],
                                             ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        while iterator:
            page = client.get_records(ShardIterator=iterator, Limit=10_000)
            data += [r["Data"] for r in page["Records"]]
            if not page["Records"]:
                break
            iterator = page["NextShardIterator"]
    return data


def unstamped(record: str) -> str:
    event = json.loads(record)
    event.pop("sent_at")
    return json.dumps(event, sort_keys=True)


def per_user(records):
    order: dict[str, list[str]] = {}
    for record in records:
        event = json.loads(record)
        order.setdefault(event["user_id"], []).append(event["event_id"])
    return order


@pytest.mark.kinesis
def test_every_record_gets_through_a_hot_shard_in_per_user_order(tmp_path):
    oracle = tmp_path / "expected.jsonl"
    made = CliRunner().invoke(main, ["produce", *ARGS, "--out", str(oracle)], catch_exceptions=False)
    assert made.exit_code == 0, made.output
    expected = oracle.read_text(encoding="utf-8").splitlines()

    with LocalKinesis(stream_name="hot", shards=1) as kinesis, HotShardProxy(kinesis.endpoint) as proxy:
        result = CliRunner().invoke(main, [
            "produce", *ARGS, "--stream", "hot", "--endpoint", proxy.endpoint,
            "--catalog-out", str(tmp_path / "dim_title.jsonl"), "--record-ttl", "30",
        ], catch_exceptions=False)
        delivered = [d.decode("utf-8") for d in read_stream(kinesis)]

    assert result.exit_code == 0, result.output
    # the proxy really was a hot shard
    assert proxy.refused_entries > 0.2 * len(expected) and proxy.refused_calls >= 2
    assert Counter(map(unstamped, delivered)) == Counter(map(unstamped, expected))  # everything, exactly once
    assert per_user(delivered) == per_user(expected)  # each user's records in the order they were made
    assert re.search(rf"sent\W+{len(expected):,}\W", result.output) and re.search(r"failed\W+0\W", result.output)
