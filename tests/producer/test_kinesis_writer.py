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


def records(n, pad=0, users=None):
    """n records; each its own key, or ``users`` keys taken in turn."""
    return [json.dumps({"event_id": f"e{i}", "user_id": f"u{i if users is None else i % users}", "pad": "x" * pad})
            for i in range(n)]


class Sleeps:
    def __init__(self):
        self.calls = []

    def __call__(self, seconds):
        self.calls.append(seconds)


class Clock:
    """A fake clock that sleeping moves forward (and each call moves a little)."""

    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def test_batches_of_at_most_500_records():
    fake = FakeKinesis()
    report = KinesisWriter(fake, "events", sleep=Sleeps()).write(records(1_201))
    assert [len(call) for call in fake.calls] == [500, 500, 201]
    assert report.sent == 1_201 and report.failed == 0 and report.retried == 0
    assert Counter(fake.delivered) == Counter(r.encode() for r in records(1_201))


def test_batches_of_at_most_5_mib_counting_partition_keys():
    data = records(30, pad=400 * 1024)
    sizes = [len(r.encode()) + len(f"u{i}") for i, r in enumerate(data)]
    fake = FakeKinesis()
    report = KinesisWriter(fake, "events", sleep=Sleeps()).write(data)
    # the oracle: greedy packing of the sizes under 5 MiB
    expected, current, total = [], 0, 0
    for size in sizes:
        if total + size > 5 * MiB:
            expected.append(current)
            current, total = 0, 0
        current += 1
        total += size
    expected.append(current)
    assert [len(call) for call in fake.calls] == expected
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


def _per_key(delivered):
    order = {}
    for data in delivered:
        record = json.loads(data)
        order.setdefault(record["user_id"], []).append(record["event_id"])
    return order


def test_a_hot_shard_loses_nothing_and_keeps_each_keys_order():
    """30% of entries refused and every 4th call throttled: everything arrives once, in per-key order."""
    data = records(3_000, users=40)
    fake = FakeKinesis(entry_failure=0.3, throttle_every=4, seed=3)
    clock = Clock()
    report = KinesisWriter(fake, "events", sleep=clock.sleep, clock=clock, seed=1).write(data)
    assert report.failed == 0 and report.sent == 3_000
    assert Counter(fake.delivered) == Counter(r.encode() for r in data)  # nothing lost, nothing twice
    assert _per_key(fake.delivered) == _per_key(r.encode() for r in data)  # each key in its order
    assert sum(len(call) for call in fake.calls) == 3_000 + report.retried
    assert report.retried > 1_000 and sum(report.errors.values()) == report.retried
    for call in fake.calls:  # at most one record of a key per request: a later one never overtakes
        keys = [r["PartitionKey"] for r in call]
        assert len(keys) == len(set(keys))


def test_backoff_is_exponential_with_full_jitter_capped_and_ends_with_the_budget():
    fake = FakeKinesis(always_fail=True)
    clock = Clock()
    policy = RetryPolicy(record_ttl_s=30.0, base_delay_s=0.1, max_delay_s=1.0)
    report = KinesisWriter(fake, "events", retry=policy, sleep=clock.sleep, clock=clock, seed=5).write(records(1))
    assert report.failed == 1 and report.sent == 0
    pauses = clock.sleeps
    assert len(fake.calls) == len(pauses) + 1
    caps = [min(1.0, 0.1 * 2**k) for k in range(len(pauses))]
    assert all(0 <= pause <= cap for pause, cap in zip(pauses, caps))
    assert max(pauses[4:]) > 0.2  # grew beyond the first caps
    # kept for its whole budget, not for a count: ~30 s of attempts at <= 1 s apart, none past 30 s
    assert 28.0 <= clock.now <= 30.0 and len(fake.calls) >= 30


def test_the_budget_is_per_record_from_its_first_attempt():
    fake = FakeKinesis(always_fail=True)
    clock = Clock()
    policy = RetryPolicy(record_ttl_s=5.0, base_delay_s=0.5, max_delay_s=0.5)
    report = KinesisWriter(fake, "events", retry=policy, sleep=clock.sleep, clock=clock, seed=2).write(records(700))
    assert report.sent == 0 and report.failed == 700
    assert clock.now <= 5.0 + 1e-9
    assert sum(len(c) for c in fake.calls) == 700 + report.retried


def test_partial_give_up_counts_only_the_undelivered():
    fake = FakeKinesis(entry_failure=0.5, seed=8)
    clock = Clock()
    data = records(400)
    policy = RetryPolicy(record_ttl_s=0.3, base_delay_s=0.2, max_delay_s=0.2)
    report = KinesisWriter(fake, "events", retry=policy, sleep=clock.sleep, clock=clock).write(data)
    assert report.sent == len(fake.delivered) == len(set(fake.delivered))
    assert report.sent + report.failed == 400
    assert 0 < report.failed < 400


def test_throttling_forever_gives_up_other_errors_are_raised():
    fake = FakeKinesis(error_code="ProvisionedThroughputExceededException")
    clock = Clock()
    report = KinesisWriter(fake, "events", retry=RetryPolicy(record_ttl_s=2.0), sleep=clock.sleep,
                           clock=clock).write(records(5))
    assert report.failed == 5 and len(fake.calls) > 3 and clock.now <= 2.0 + 1e-9
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        KinesisWriter(FakeKinesis(error_code="ResourceNotFoundException"), "events", sleep=Sleeps()).write(records(5))


def test_the_retry_policy_refuses_nonsense():
    with pytest.raises(ValueError, match="record_ttl_s"):
        RetryPolicy(record_ttl_s=0)
    with pytest.raises(ValueError, match="delays"):
        RetryPolicy(base_delay_s=-1)


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


def test_without_failures_records_arrive_exactly_in_input_order():
    """Lateness is judged across keys (contract §2), so nothing may overtake anything when nothing
    fails; a request ends before a key's second record instead of skipping it."""
    data = records(2_000, users=50)
    fake = FakeKinesis()
    report = KinesisWriter(fake, "events", sleep=Sleeps()).write(data)
    assert report.sent == 2_000 and report.retried == 0
    assert fake.delivered == [r.encode() for r in data]
    for index, call in enumerate(fake.calls[:-1]):
        keys = [r["PartitionKey"] for r in call]
        assert len(keys) == len(set(keys))
        next_key = fake.calls[index + 1][0]["PartitionKey"]
        assert len(call) == 500 or next_key in keys  # a request is cut only where its key would repeat


def test_without_key_order_requests_are_full_and_still_in_input_order_when_nothing_fails():
    data = records(1_200, users=50)
    fake = FakeKinesis()
    report = KinesisWriter(fake, "events", sleep=Sleeps(), key_order=False).write(data)
    assert report.sent == 1_200 and [len(c) for c in fake.calls] == [500, 500, 200]
    assert fake.delivered == [r.encode() for r in data]
