"""Sinks for serialized records: Kinesis PutRecords, or a JSON-lines file. Both return a ``WriteReport``.

``KinesisWriter`` packs records into PutRecords requests within the API limits — at most 500
records and 5 MiB per request (partition keys included), at most 1 MiB per record; a record over the
limit is reported as failed, never dropped in silence. The partition key is the record's ``user_id``
(a stable hash of the record when it has none usable). After each request only the entries that
failed (``ErrorCode`` in the response) are sent again, and a throttled request is sent again whole,
each time after an exponential backoff with full jitter, up to ``RetryPolicy.max_attempts`` attempts.
An optional rate limit paces requests to about ``rate`` records per second.

``JsonlWriter`` writes one record per line to a temporary file beside the target and renames it over
the target only when every line is written, so a failure never leaves half a file.

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
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from producer.atomic import atomic_text_file

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

    def write(self, records: Iterable[str]) -> WriteReport: ...


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded attempts with exponential backoff and full jitter: sleep U(0, min(cap, base·2^(n-1)))."""

    max_attempts: int = 8
    base_delay_s: float = 0.05
    max_delay_s: float = 5.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be >= 1, got {self.max_attempts}")
        if self.base_delay_s < 0 or self.max_delay_s < 0:
            raise ValueError("retry delays must be >= 0")

    def delay(self, attempt: int, rng: random.Random) -> float:
        """The pause after failed attempt number ``attempt`` (1-based)."""
        return rng.uniform(0.0, min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 1)))


def partition_key(record: str) -> str:
    """The record's ``user_id`` when it is a usable key (1–256 chars), else a stable hash of the record."""
    try:
        value = json.loads(record)
    except ValueError:
        value = None
    if isinstance(value, dict):
        user_id = value.get("user_id")
        if isinstance(user_id, str) and 1 <= len(user_id) <= MAX_PARTITION_KEY_CHARS:
            return user_id
    return hashlib.sha256(record.encode("utf-8")).hexdigest()


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


class KinesisWriter:
    """PutRecords in batches, retrying only what failed; see the module docstring."""

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
        seed: int | None = None,
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
        self._rng = random.Random(seed)
        self._batch_limit = MAX_RECORDS_PER_REQUEST if rate is None else max(1, min(MAX_RECORDS_PER_REQUEST, int(rate)))

    def write(self, records: Iterable[str]) -> WriteReport:
        started = self._clock()
        submitted = 0
        sent = retried = failed = 0
        errors: Counter[str] = Counter()
        for batch in self._batches(records, errors):
            if isinstance(batch, int):  # records over the size limit: failed, never sent
                failed += batch
                continue
            pending = batch
            attempt = 1
            while True:
                if self._rate is not None:  # pace: `submitted` records take submitted/rate seconds
                    wait = started + submitted / self._rate - self._clock()
                    if wait > 0:
                        self._sleep(wait)
                submitted += len(pending)
                pending = self._put(pending, errors)
                if not pending or attempt >= self._retry.max_attempts:
                    break
                retried += len(pending)
                self._sleep(self._retry.delay(attempt, self._rng))
                attempt += 1
            failed += len(pending)
            sent += len(batch) - len(pending)
        return WriteReport.of(sent, retried, failed, self._clock() - started, errors)

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

    def _batches(self, records: Iterable[str], errors: Counter[str]) -> Iterator[list[dict] | int]:
        """PutRecords entries in request-sized lists; an int n stands for n records too large to send."""
        batch: list[dict] = []
        batch_bytes = 0
        for record in records:
            data = record.encode("utf-8")
            key = partition_key(record)
            size = len(data) + len(key.encode("utf-8"))
            if size > MAX_BYTES_PER_RECORD:
                errors[RECORD_TOO_LARGE] += 1
                yield 1
                continue
            if len(batch) >= self._batch_limit or batch_bytes + size > MAX_BYTES_PER_REQUEST:
                yield batch
                batch, batch_bytes = [], 0
            batch.append({"Data": data, "PartitionKey": key})
            batch_bytes += size
        if batch:
            yield batch


class JsonlWriter:
    """One record per line, written atomically (temporary file, then rename)."""

    def __init__(self, path: str | os.PathLike[str], *, clock: Callable[[], float] = time.monotonic) -> None:
        self.path = Path(path)
        self._clock = clock

    def write(self, records: Iterable[str]) -> WriteReport:
        started = self._clock()
        sent = failed = 0
        with atomic_text_file(self.path) as handle:
            write = handle.write
            for record in records:
                if "\n" in record or "\r" in record:
                    failed += 1  # it would split into two lines
                    continue
                write(record)
                write("\n")
                sent += 1
        errors = {RECORD_HAS_NEWLINE: failed} if failed else {}
        return WriteReport.of(sent, 0, failed, self._clock() - started, errors)
