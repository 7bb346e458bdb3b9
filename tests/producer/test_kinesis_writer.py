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


# --- sent_at: stamped on each attempt ------------------------------------------------------------

WALL_START_MS = 1_772_323_200_000  # 2026-03-01T00:00:00.000Z, the fake wall clock at monotonic 0
TEN_MINUTES_MS = 600_000


def outgoing(event_id, user_id, offset_ms=0, **fields):
    from producer.outgoing import OutgoingEvent

    return OutgoingEvent({"event_id": event_id, "user_id": user_id, **fields}, offset_ms)


class RefusingOnce(FakeKinesis):
    """Refuses the first attempt of the entries whose event_id is in ``refuse``; each call takes
    ``latency_s`` on the fake clock, like a round trip, and records when it was made."""

    def __init__(self, clock, refuse, latency_s=0.25):
        super().__init__()
        self.clock, self.refuse, self.latency_s = clock, set(refuse), latency_s
        self.attempts: list[tuple[float, dict]] = []  # (monotonic time of the call, record sent)

    def put_records(self, *, Records, StreamName=None, StreamARN=None):
        results = []
        for record in Records:
            event = json.loads(record["Data"])
            self.attempts.append((self.clock.now, event))
            if event["event_id"] in self.refuse:
                self.refuse.discard(event["event_id"])
                results.append({"ErrorCode": "ProvisionedThroughputExceededException", "ErrorMessage": "hot"})
            else:
                self.delivered.append(record["Data"])
                results.append({"SequenceNumber": str(len(self.delivered)), "ShardId": "shardId-000000000000"})
        self.calls.append(list(Records))
        self.clock.now += self.latency_s
        return {"FailedRecordCount": sum("ErrorCode" in r for r in results), "Records": results}


def test_a_refused_record_is_sent_again_with_a_new_later_sent_at_on_its_devices_clock(check):
    clock = Clock()
    fake = RefusingOnce(clock, refuse={"e1"})
    wall = lambda: WALL_START_MS + round(clock.now * 1000)  # noqa: E731 - true time, moved by the fake clock
    data = [outgoing("e0", "u0"), outgoing("e1", "u1", TEN_MINUTES_MS), outgoing("e2", "u2", -240_000)]
    writer = KinesisWriter(fake, "events", sleep=clock.sleep, clock=clock, wall_clock=wall, seed=4,
                           retry=RetryPolicy(base_delay_s=0.5, max_delay_s=0.5))
    report = writer.write(data)
    assert (report.sent, report.retried, report.failed) == (3, 1, 0)

    tries = [(at, event) for at, event in fake.attempts if event["event_id"] == "e1"]
    assert len(tries) == 2
    (first_at, first), (second_at, second) = tries
    # the first request goes at true time 2026-03-01T00:00:00.000Z; the device is 10 minutes fast
    assert first["sent_at"] == "2026-03-01T00:10:00.000Z"
    stamps = [check.instant(event["sent_at"]) for event in (first, second)]
    assert None not in stamps and stamps[1] > stamps[0]
    for at, stamp in zip((first_at, second_at), stamps):  # each attempt: true time then + its offset
        assert stamp == WALL_START_MS + round(at * 1000) + TEN_MINUTES_MS
    assert stamps[1] - stamps[0] >= 250  # at least the round trip of the refused call later
    assert {k: v for k, v in first.items() if k != "sent_at"} == {k: v for k, v in second.items() if k != "sent_at"}
    others = {e["event_id"]: e["sent_at"] for _, e in fake.attempts if e["event_id"] != "e1"}
    assert others == {"e0": "2026-03-01T00:00:00.000Z", "e2": "2026-02-28T23:56:00.000Z"}  # 4 min slow


def test_events_go_to_their_user_s_shard_without_parsing_and_in_input_order():
    fake = FakeKinesis()
    data = [outgoing(f"e{i}", f"usr-{i % 7}") for i in range(50)]
    report = KinesisWriter(fake, "events", sleep=Sleeps(), wall_clock=lambda: WALL_START_MS).write(data)
    assert report.sent == 50
    sent = [record for call in fake.calls for record in call]
    assert [r["PartitionKey"] for r in sent] == [f"usr-{i % 7}" for i in range(50)]
    assert [json.loads(r["Data"])["event_id"] for r in sent] == [f"e{i}" for i in range(50)]
    assert partition_key(outgoing("e0", "usr-9")) == "usr-9"
    unusable = outgoing("e0", "u" * 300)
    assert partition_key(unusable) == partition_key(outgoing("e0", "u" * 300)) and len(partition_key(unusable)) == 64


def test_the_1_mib_limit_counts_sent_at():
    # written out by hand: {"user_id":"ab","pad":"<n>","sent_at":"2026-03-01T00:00:00.000Z"} + key "ab"
    frame = len('{"user_id":"ab","pad":"') + len('","sent_at":"') + len("2026-03-01T00:00:00.000Z") + len('"}')
    n = MiB - frame - len("ab")
    from producer.outgoing import OutgoingEvent

    fits = OutgoingEvent({"user_id": "ab", "pad": "y" * n})
    too_big = OutgoingEvent({"user_id": "ab", "pad": "z" * (n + 1)})
    assert len('{"user_id":"ab","pad":""}') + n + 1 + 2 < MiB  # it would fit without sent_at
    fake = FakeKinesis()
    report = KinesisWriter(fake, "events", sleep=Sleeps(), wall_clock=lambda: WALL_START_MS).write([too_big, fits])
    assert (report.sent, report.failed, report.errors) == (1, 1, {"RecordTooLarge": 1})
    assert len(fake.delivered) == 1 and len(fake.delivered[0]) + 2 == MiB
    assert json.loads(fake.delivered[0])["sent_at"] == "2026-03-01T00:00:00.000Z"


def test_jsonl_stamps_each_event_as_it_writes_it_and_leaves_malformed_records_alone(tmp_path, check):
    ticks = iter(range(WALL_START_MS, WALL_START_MS + 1_000, 7))  # true time moves 7 ms per look
    malformed = ['{"event_id":"x","user_id":"u"', "[1,2]", '{"event_id":"y"}']
    data = [outgoing("e0", "u0"), malformed[0], outgoing("e1", "u1", TEN_MINUTES_MS), malformed[1],
            outgoing("e0", "u0"), malformed[2]]  # e0 twice: a redelivery is a new attempt
    target = tmp_path / "events.jsonl"
    report = JsonlWriter(target, wall_clock=lambda: next(ticks)).write(data)
    assert (report.sent, report.failed) == (6, 0)
    lines = target.read_text(encoding="utf-8").splitlines()
    assert [lines[1], lines[3], lines[5]] == malformed  # unchanged, no sent_at
    events = [json.loads(lines[i]) for i in (0, 2, 4)]
    assert [e["sent_at"] for e in events] == [
        "2026-03-01T00:00:00.000Z", "2026-03-01T00:10:00.007Z", "2026-03-01T00:00:00.014Z",
    ]
    assert all(check.instant(e["sent_at"]) is not None for e in events)
    assert [{k: v for k, v in e.items() if k != "sent_at"} for e in events] == [
        {"event_id": "e0", "user_id": "u0"}, {"event_id": "e1", "user_id": "u1"}, {"event_id": "e0", "user_id": "u0"},
    ]


def test_a_retry_within_the_same_millisecond_still_gets_a_later_sent_at():
    clock = Clock()
    fake = RefusingOnce(clock, refuse={"e1"}, latency_s=0.0)
    writer = KinesisWriter(fake, "events", sleep=clock.sleep, clock=clock, wall_clock=lambda: WALL_START_MS,
                           retry=RetryPolicy(base_delay_s=0.0, max_delay_s=0.0))  # a frozen wall clock
    assert writer.write([outgoing("e1", "u1")]).sent == 1
    assert [event["sent_at"] for _, event in fake.attempts] == ["2026-03-01T00:00:00.000Z", "2026-03-01T00:00:00.001Z"]
