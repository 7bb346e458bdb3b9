"""KinesisWriter against a fake client that enforces the PutRecords limits and fails on purpose."""

from __future__ import annotations

import json
import random
from collections import Counter

import pytest
from botocore.exceptions import ClientError

from producer.kinesis_writer import JsonlWriter, KinesisWriter, RetryPolicy, partition_key

MiB = 1024 * 1024


class FakeKinesis:
    """Checks each PutRecords request against the API limits; fails entries or whole calls as told."""

    def __init__(self, entry_failure=0.0, throttle_every=0, seed=0, always_fail=False, error_code=None):
        self.rng = random.Random(seed)
        self.entry_failure = entry_failure
        self.throttle_every = throttle_every
        self.always_fail = always_fail
        self.error_code = error_code
        self.calls: list[list[dict]] = []
        self.failed_per_call: list[list[dict] | str] = []
        self.delivered: list[bytes] = []

    def put_records(self, *, Records, StreamName=None, StreamARN=None):
        assert StreamName == "events" and StreamARN is None
        assert 1 <= len(Records) <= 500
        assert sum(len(r["Data"]) + len(r["PartitionKey"].encode()) for r in Records) <= 5 * MiB
        for record in Records:
            assert len(record["Data"]) + len(record["PartitionKey"].encode()) <= MiB
            assert 1 <= len(record["PartitionKey"]) <= 256
        self.calls.append(list(Records))
        if self.error_code:
            self.failed_per_call.append("exception")
            raise ClientError({"Error": {"Code": self.error_code, "Message": "no"}}, "PutRecords")
        if self.throttle_every and len(self.calls) % self.throttle_every == 0:
            self.failed_per_call.append("exception")
            raise ClientError(
                {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}}, "PutRecords"
            )
        results, failed = [], []
        for record in Records:
            if self.always_fail or self.rng.random() < self.entry_failure:
                code = self.rng.choice(("ProvisionedThroughputExceededException", "InternalFailure"))
                results.append({"ErrorCode": code, "ErrorMessage": "try again"})
                failed.append(record)
            else:
                self.delivered.append(record["Data"])
                results.append({"SequenceNumber": str(len(self.delivered)), "ShardId": "shardId-000000000000"})
        self.failed_per_call.append(failed)
        return {"FailedRecordCount": len(failed), "Records": results}


def records(n, pad=0):
    return [json.dumps({"event_id": f"e{i}", "user_id": f"u{i % 7}", "pad": "x" * pad}) for i in range(n)]


class Sleeps:
    def __init__(self):
        self.calls = []

    def __call__(self, seconds):
        self.calls.append(seconds)


def test_batches_of_at_most_500_records():
    fake = FakeKinesis()
    report = KinesisWriter(fake, "events", sleep=Sleeps()).write(records(1_201))
    assert [len(call) for call in fake.calls] == [500, 500, 201]
    assert report.sent == 1_201 and report.failed == 0 and report.retried == 0
    assert Counter(fake.delivered) == Counter(r.encode() for r in records(1_201))


def test_batches_of_at_most_5_mib_counting_partition_keys():
    data = records(30, pad=400 * 1024)
    size = len(data[0].encode()) + len(b"u0")
    per_request = (5 * MiB) // size  # the oracle: how many such records fit in one request
    fake = FakeKinesis()
    report = KinesisWriter(fake, "events", sleep=Sleeps()).write(data)
    assert [len(call) for call in fake.calls] == [per_request, per_request, 30 - 2 * per_request]
    assert report.sent == 30


def test_a_record_over_1_mib_is_reported_failed_not_dropped():
    # record + partition key: exactly at the limit is sent, one byte over is not
    head = json.dumps({"user_id": "ab", "pad": ""})
    fits = json.dumps({"user_id": "ab", "pad": "y" * (MiB - len(head) - 2)})
    too_big = json.dumps({"user_id": "ab", "pad": "z" * (MiB - len(head) - 1)})
    assert len(fits.encode()) + 2 == MiB and len(too_big.encode()) + 2 == MiB + 1
    fake = FakeKinesis()
    report = KinesisWriter(fake, "events", sleep=Sleeps()).write(["{}", too_big, fits])
    assert report.sent == 2 and report.failed == 1
    assert report.errors == {"RecordTooLarge": 1}
    assert fake.delivered == [b"{}", fits.encode()]


def test_retries_only_failed_entries_and_delivers_each_record_exactly_once():
    data = records(3_000)
    fake = FakeKinesis(entry_failure=0.3, throttle_every=4, seed=3)
    sleeps = Sleeps()
    report = KinesisWriter(fake, "events", retry=RetryPolicy(max_attempts=30), sleep=sleeps, seed=1).write(data)
    assert report.failed == 0 and report.sent == 3_000
    assert Counter(fake.delivered) == Counter(r.encode() for r in data)  # nothing lost, nothing twice
    assert sum(len(call) for call in fake.calls) == 3_000 + report.retried
    assert report.retried > 1_000
    # after a call with failures, the next call carries exactly the failed entries (all, after a throttle)
    for index, failed in enumerate(fake.failed_per_call[:-1]):
        following = fake.calls[index + 1]
        if failed == "exception":
            assert following == fake.calls[index]
        elif failed:
            assert following == failed
    assert sum(report.errors.values()) == report.retried


def test_backoff_is_exponential_with_full_jitter_and_capped():
    fake = FakeKinesis(always_fail=True)
    sleeps = Sleeps()
    policy = RetryPolicy(max_attempts=8, base_delay_s=0.1, max_delay_s=1.0)
    KinesisWriter(fake, "events", retry=policy, sleep=sleeps, seed=5).write(records(10))
    assert len(sleeps.calls) == 7  # between 8 attempts
    caps = [min(1.0, 0.1 * 2**k) for k in range(7)]
    assert all(0 <= s <= cap for s, cap in zip(sleeps.calls, caps))
    assert max(sleeps.calls[4:]) > 0.2  # grew beyond the first caps


def test_gives_up_after_max_attempts_with_the_right_failed_count():
    fake = FakeKinesis(always_fail=True)
    report = KinesisWriter(fake, "events", retry=RetryPolicy(max_attempts=3), sleep=Sleeps()).write(records(700))
    assert report.sent == 0 and report.failed == 700
    assert report.retried == 2 * 700
    assert [len(c) for c in fake.calls] == [500, 500, 500, 200, 200, 200]


def test_partial_give_up_counts_only_the_undelivered():
    fake = FakeKinesis(entry_failure=0.5, seed=8)
    data = records(400)
    report = KinesisWriter(fake, "events", retry=RetryPolicy(max_attempts=2), sleep=Sleeps()).write(data)
    assert report.sent == len(fake.delivered) == len(set(fake.delivered))
    assert report.sent + report.failed == 400
    assert 0 < report.failed < 400


def test_throttling_forever_gives_up_other_errors_are_raised():
    fake = FakeKinesis(error_code="ProvisionedThroughputExceededException")
    report = KinesisWriter(fake, "events", retry=RetryPolicy(max_attempts=4), sleep=Sleeps()).write(records(5))
    assert report.failed == 5 and len(fake.calls) == 4
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        KinesisWriter(FakeKinesis(error_code="ResourceNotFoundException"), "events", sleep=Sleeps()).write(records(5))


def test_rate_limit_paces_requests():
    now = [0.0]
    sleeps = []

    def sleep(seconds):
        sleeps.append(seconds)
        now[0] += seconds

    fake = FakeKinesis()
    writer = KinesisWriter(fake, "events", rate=100, sleep=sleep, clock=lambda: now[0])
    report = writer.write(records(1_000))
    assert report.sent == 1_000
    assert max(len(c) for c in fake.calls) <= 100
    assert now[0] >= 9.0  # 1,000 records at 100/s: the last batch may leave at 9 s, not before
    assert report.records_per_second <= 1_000 / 9.0 + 1e-9


def test_partition_key_is_the_user_id_or_a_stable_hash():
    assert partition_key(json.dumps({"user_id": "usr-1", "x": 1})) == "usr-1"
    for broken in ("[1, 2]", "{not json", json.dumps({"user_id": "u" * 5_000}), json.dumps({"user_id": 12})):
        key = partition_key(broken)
        assert key == partition_key(broken) and 1 <= len(key) <= 256
        assert key != partition_key(broken + " ")


def test_jsonl_writer_writes_one_line_per_record(tmp_path):
    target = tmp_path / "out" / "events.jsonl"
    report = JsonlWriter(target).write(records(1_234))
    assert target.read_text(encoding="utf-8").splitlines() == records(1_234)
    assert (report.sent, report.retried, report.failed) == (1_234, 0, 0)
    assert [p.name for p in target.parent.iterdir()] == ["events.jsonl"]


def test_jsonl_writer_leaves_nothing_half_written(tmp_path):
    target = tmp_path / "events.jsonl"
    target.write_text("previous\n", encoding="utf-8")

    def exploding():
        yield from records(100)
        raise RuntimeError("producer died")

    with pytest.raises(RuntimeError, match="producer died"):
        JsonlWriter(target).write(exploding())
    assert target.read_text(encoding="utf-8") == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["events.jsonl"]


def test_jsonl_writer_refuses_records_that_would_split_lines(tmp_path):
    report = JsonlWriter(tmp_path / "e.jsonl").write(['{"a":1}', '{"a":\n2}'])
    assert report.sent == 1 and report.failed == 1
