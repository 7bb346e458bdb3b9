"""Sinks for records: Kinesis PutRecords, or a JSON-lines file. Both return a ``WriteReport``.

A record is an ``OutgoingEvent`` (``producer.outgoing``) or a finished ``str``. A sink renders an
``OutgoingEvent`` to JSON at each attempt to send it, stamped with ``sent_at`` — the device's clock
at that moment (true time from ``wall_clock``, plus the device's offset) — so a record sent again
after a refusal carries a later ``sent_at`` than its first attempt. A ``str`` goes out as it is.

``KinesisWriter`` packs records into PutRecords requests within the API limits — at most 500
records and 5 MiB per request (partition keys included), at most 1 MiB per record (``sent_at``
included: it has a fixed width, so the size is the same at every attempt); a record over the limit
is reported as failed, never dropped in silence. The partition key is the event's ``user_id``, read
from the event dict (from the JSON of a ``str`` record; a stable hash when there is none usable).
It stamps ``sent_at`` when it builds each request, after any pacing, just before sending it.

Retries ride out a hot shard the way the KPL does: a record is kept until its time budget
(``RetryPolicy.record_ttl_s``, 30 s by default, like the KPL's record TTL) runs out, not for a fixed
number of attempts. Only the entries that failed (``ErrorCode`` in the response) are sent again - all
of them after a throttled request - each after its own exponential backoff with full jitter, while
records of other keys keep flowing. Per-key order is kept: a key's next record is not sent before
its previous one was accepted (or given up), so each request carries at most one record per key.
An optional rate limit paces requests to about ``rate`` records per second.

``JsonlWriter`` writes one record per line (stamping ``sent_at`` as it writes each line) to a
temporary file beside the target and renames it over the target only when every line is written, so
a failure never leaves half a file.

Example::

    writer = KinesisWriter(make_client("us-east-1", "http://127.0.0.1:4567"), "streamwatch-events")
    report = writer.write(records)
    if report.failed:
        ...
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from producer.atomic import atomic_text_file
from producer.outgoing import OutgoingEvent, Record, wall_clock_ms

MAX_RECORDS_PER_REQUEST = 500
MAX_BYTES_PER_REQUEST = 5 * 1024 * 1024  # data + partition keys of all records
MAX_BYTES_PER_RECORD = 1024 * 1024  # data + partition key
MAX_PARTITION_KEY_CHARS = 256
# Whole-request errors that mean "slow down and try again".
THROTTLING_ERROR_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "LimitExceededException",
        "ThrottlingException",
        "Throttling",
        "KMSThrottlingException",
        "RequestLimitExceeded",
        "ServiceUnavailable",
        "InternalFailure",
    }
)
RECORD_TOO_LARGE = "RecordTooLarge"
RECORD_HAS_NEWLINE = "RecordContainsNewline"


@dataclass(frozen=True)
class WriteReport:
    """How a write went. ``retried`` counts re-sends of records; ``errors`` counts error codes seen."""

    sent: int
    retried: int
    failed: int
    seconds: float
    records_per_second: float
    errors: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def of(
        cls, sent: int, retried: int, failed: int, seconds: float, errors: Mapping[str, int] | None = None
    ) -> WriteReport:
        rate = sent / seconds if seconds > 0 else 0.0
        return cls(sent, retried, failed, seconds, rate, dict(errors or {}))


class Sink(Protocol):
    """Where records go: ``produce_events`` takes any object with this method."""

    def write(self, records: Iterable[Record]) -> WriteReport: ...


@dataclass(frozen=True)
class RetryPolicy:
    """A time budget per record, from its first attempt, with exponential backoff and full jitter
    between its attempts: pause U(0, min(cap, base·2^(n-1))) after its n-th failure. A record whose
    next attempt would start after its budget is given up and reported failed."""

    record_ttl_s: float = 30.0
    base_delay_s: float = 0.05
    max_delay_s: float = 5.0

    def __post_init__(self) -> None:
        if self.record_ttl_s <= 0:
            raise ValueError(f"record_ttl_s must be > 0 seconds, got {self.record_ttl_s}")
        if self.base_delay_s < 0 or self.max_delay_s < 0:
            raise ValueError("retry delays must be >= 0")

    def delay(self, attempt: int, rng: random.Random) -> float:
        """The pause after failed attempt number ``attempt`` (1-based)."""
        return rng.uniform(0.0, min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 1)))


def partition_key(record: Record) -> str:
    """The record's ``user_id`` when it is a usable key (1–256 chars), else a stable hash of the record.

    An ``OutgoingEvent``'s ``user_id`` comes from its event dict, and its hash from its JSON without
    ``sent_at``, so every attempt of a record goes to the same shard. Only a ``str`` is parsed.
    """
    if isinstance(record, OutgoingEvent):
        user_id = record.user_id
        text = None
    else:
        text = record
        try:
            value = json.loads(record)
        except ValueError:
            value = None
        user_id = value.get("user_id") if isinstance(value, dict) else None
    if isinstance(user_id, str) and 1 <= len(user_id) <= MAX_PARTITION_KEY_CHARS:
        return user_id
    if text is None:
        text = record.unstamped()
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def make_client(region: str, endpoint: str | None = None) -> Any:
    """A boto3 Kinesis client; against a local endpoint without configured credentials, dummy ones."""
    import boto3
    from botocore.config import Config

    session = boto3.session.Session(region_name=region)
    credentials: dict[str, str] = {}
    if endpoint and session.get_credentials() is None:
        credentials = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    config = Config(retries={"mode": "standard", "total_max_attempts": 2}, connect_timeout=5, read_timeout=30)
    return session.client("kinesis", endpoint_url=endpoint, config=config, **credentials)


@dataclass
class _Entry:
    record: Record
    request: dict  # the PutRecords entry of its latest attempt
    key: str
    size: int
    first_sent: float | None = None
    attempts: int = 0
    not_before: float = 0.0
    done: bool = False
    stamped_ms: int | None = None  # true time of its latest attempt's sent_at

    def stamp(self, now_ms: int) -> None:
        """Make the entry for an attempt at true time ``now_ms``: an event gets a fresh ``sent_at``,
        at least 1 ms after its previous attempt's even if the retry came within the same
        millisecond (or the wall clock stepped back), so each attempt is told apart."""
        if isinstance(self.record, OutgoingEvent):
            if self.stamped_ms is not None and now_ms <= self.stamped_ms:
                now_ms = self.stamped_ms + 1
            self.stamped_ms = now_ms
            self.request = {"Data": self.record.render(now_ms).encode("utf-8"), "PartitionKey": self.key}


class KinesisWriter:
    """PutRecords in batches, retrying only what failed, in per-key order; see the module docstring.

    ``max_pending`` bounds how many records are held at once (waiting for their turn or a retry).
    ``key_order=False`` lets a request carry several records of a key (full 500-record requests
    when keys repeat closely): the input order still holds while nothing fails, but a refused record
    can then be overtaken by its key's next one accepted in the same call. Only for a stream that
    does not refuse records (the local demo's); ``streamwatch produce`` always keeps key order.
    ``clock`` measures durations (backoff, budgets, pacing); ``wall_clock`` is true time in epoch
    ms, from which each request's ``sent_at`` is stamped.
    """

    def __init__(
        self,
        client: Any,
        stream_name: str | None = None,
        *,
        stream_arn: str | None = None,
        retry: RetryPolicy = RetryPolicy(),
        rate: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], int] = wall_clock_ms,
        seed: int | None = None,
        max_pending: int = 10_000,
        key_order: bool = True,
    ) -> None:
        if (stream_name is None) == (stream_arn is None):
            raise ValueError("give exactly one of stream_name and stream_arn")
        if rate is not None and rate <= 0:
            raise ValueError(f"rate must be > 0 records/s, got {rate}")
        self._client = client
        self._target = {"StreamName": stream_name} if stream_name else {"StreamARN": stream_arn}
        self._retry = retry
        self._rate = rate
        self._sleep = sleep
        self._clock = clock
        self._wall_clock = wall_clock
        self._rng = random.Random(seed)
        self._batch_limit = MAX_RECORDS_PER_REQUEST if rate is None else max(1, min(MAX_RECORDS_PER_REQUEST, int(rate)))
        if max_pending < 1:
            raise ValueError(f"max_pending must be >= 1, got {max_pending}")
        self._max_pending = max_pending
        self._key_order = key_order

    def write(self, records: Iterable[Record]) -> WriteReport:
        started = self._clock()
        submitted = sent = retried = failed = 0
        errors: Counter[str] = Counter()
        source = self._entries(records, errors)
        pending: deque[_Entry] = deque()
        exhausted = False
        while True:
            while not exhausted and len(pending) < self._max_pending:
                item = next(source, None)
                if item is None:
                    exhausted = True
                elif isinstance(item, int):  # over the size limit: failed, never sent
                    failed += item
                else:
                    pending.append(item)
            if not pending:
                break
            batch, wake = self._next_request(pending)
            if not batch:  # every key's next record waits for its backoff
                self._sleep(max(0.0, wake - self._clock()))
                continue
            if self._rate is not None:  # pace: `submitted` records take submitted/rate seconds
                wait = started + submitted / self._rate - self._clock()
                if wait > 0:
                    self._sleep(wait)
            now = self._clock()
            stamp = self._wall_clock()
            for entry in batch:
                if entry.first_sent is None:
                    entry.first_sent = now
                entry.stamp(stamp)
            submitted += len(batch)
            again = {id(request) for request in self._put([entry.request for entry in batch], errors)}
            now = self._clock()
            for entry in batch:
                if id(entry.request) not in again:
                    entry.done = True
                    sent += 1
                    continue
                entry.attempts += 1
                delay = self._retry.delay(entry.attempts, self._rng)
                if now + delay > entry.first_sent + self._retry.record_ttl_s:
                    entry.done = True  # its budget is spent: given up, reported
                    failed += 1
                else:
                    entry.not_before = now + delay
                    retried += 1
            pending = deque(entry for entry in pending if not entry.done)
        return WriteReport.of(sent, retried, failed, self._clock() - started, errors)

    def _next_request(self, pending: deque[_Entry]) -> tuple[list[_Entry], float]:
        """The next request, and when the earliest record waiting for a retry may go again.

        Records go in input order, so nothing overtakes anything unless a retry forces it: the
        request ends before a key's second record (at most one record per key per request: a
        failed one must not be overtaken by the same key's next one, which PutRecords could accept
        in the same call), and a key whose record waits for its retry holds back its later records.
        """
        now = self._clock()
        batch: list[_Entry] = []
        keys: set[str] = set()
        size = 0
        wake = float("inf")
        waiting: set[str] = set()
        for entry in pending:
            if entry.key in waiting:
                continue  # an earlier record of this key waits for its retry: this one waits behind it
            if entry.not_before > now:
                waiting.add(entry.key)
                wake = min(wake, entry.not_before)
                continue
            if entry.key in keys and self._key_order:
                break  # one record per key per request; ending the request here keeps the input order
            if len(batch) >= self._batch_limit or size + entry.size > MAX_BYTES_PER_REQUEST:
                break
            keys.add(entry.key)
            batch.append(entry)
            size += entry.size
        return batch, wake

    def _put(self, entries: list[dict], errors: Counter[str]) -> list[dict]:
        """Send ``entries`` once; return those that must be sent again."""
        from botocore.exceptions import ClientError

        try:
            response = self._client.put_records(Records=entries, **self._target)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code not in THROTTLING_ERROR_CODES:
                raise
            errors[code] += len(entries)
            return entries
        results = response.get("Records", [])
        if len(results) != len(entries):
            raise RuntimeError(f"PutRecords answered {len(results)} results for {len(entries)} records")
        again = []
        for entry, result in zip(entries, results):
            code = result.get("ErrorCode")
            if code:
                errors[code] += 1
                again.append(entry)
        return again

    def _entries(self, records: Iterable[Record], errors: Counter[str]) -> Iterator[_Entry | int]:
        """Each record as a PutRecords entry; the int 1 stands for a record too large to send.

        An event is measured rendered with a ``sent_at`` of now; each attempt renders it again (same
        width, so the same size) when its request is built.
        """
        for record in records:
            text = record if isinstance(record, str) else record.render(self._wall_clock())
            data = text.encode("utf-8")
            key = partition_key(record)
            size = len(data) + len(key.encode("utf-8"))
            if size > MAX_BYTES_PER_RECORD:
                errors[RECORD_TOO_LARGE] += 1
                yield 1
                continue
            yield _Entry(record=record, request={"Data": data, "PartitionKey": key}, key=key, size=size)


class JsonlWriter:
    """One record per line, written atomically (temporary file, then rename); an event's ``sent_at``
    is stamped from ``wall_clock`` (true time, epoch ms) as its line is written."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], int] = wall_clock_ms,
    ) -> None:
        self.path = Path(path)
        self._clock = clock
        self._wall_clock = wall_clock

    def write(self, records: Iterable[Record]) -> WriteReport:
        started = self._clock()
        sent = failed = 0
        wall_clock = self._wall_clock
        with atomic_text_file(self.path) as handle:
            write = handle.write
            for record in records:
                if not isinstance(record, str):
                    record = record.render(wall_clock())
                if "\n" in record or "\r" in record:
                    failed += 1  # it would split into two lines
                    continue
                write(record)
                write("\n")
                sent += 1
        errors = {RECORD_HAS_NEWLINE: failed} if failed else {}
        return WriteReport.of(sent, 0, failed, self._clock() - started, errors)
