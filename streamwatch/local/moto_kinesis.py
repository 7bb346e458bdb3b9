"""moto's Kinesis made to reshard like AWS Kinesis, and to stay fast as a shard grows.

moto 5.x moves a parent's records into its children on a split, can still put records into a closed
parent, never ends a closed shard (its NextShardIterator is never null), counts sequence numbers
per shard, and scans a shard's records on every put and every GetRecords. A consumer test of
resharding cannot pass against that, and the local Kinesis slows down as a shard grows. moto's
generic serializer then spends most of a PutRecords or GetRecords; those two answers are written here.

``apply()`` installs the classes below into moto; ``streamwatch/local/moto_server.py`` calls it before it
serves, so everyone who uses ``LocalKinesis`` gets it. Importing this module changes nothing.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from typing import Any

from moto.core.serialize import TimestampSerializer
from moto.kinesis import models
from moto.kinesis.exceptions import InvalidArgumentError
from moto.kinesis.responses import KinesisResponse
from moto.kinesis.utils import decompose_shard_iterator
from moto.utilities.utils import md5_hash

_HASH_KEY_LIMIT = 2**128  # hash keys are 0 .. 2**128 - 1
_Answer = tuple[int, dict[str, str], str]  # status, headers, body: what a moto response method may return


def apply() -> None:
    """Make moto's Kinesis reshard like AWS; call before the server creates a stream (again is harmless)."""
    models.Stream = AwsLikeStream  # moto's backend creates streams through this module name
    KinesisResponse.get_records = _get_records  # type: ignore[method-assign]
    KinesisResponse.put_records = _put_records  # type: ignore[method-assign]


class StreamSequence:
    """The stream's one sequence counter: on AWS, sequence numbers grow over time across the whole
    stream, so a child's records come after its parent's."""

    def __init__(self) -> None:
        self.last = 0

    def next(self) -> int:
        self.last += 1
        return self.last


class AwsLikeShard(models.Shard):
    """A shard that keeps its records when it closes, knows its children, and finds records by bisection."""

    def __init__(
        self,
        shard_id: int,
        starting_hash: int,
        ending_hash: int,
        sequence: StreamSequence,
        parent: str | None = None,
        adjacent_parent: str | None = None,
    ) -> None:
        super().__init__(shard_id, starting_hash, ending_hash, parent, adjacent_parent)
        self.sequence = sequence
        # AWS gives a shard a sequence range from its creation on: no record of it can be lower
        self.starting_sequence_number = sequence.last + 1
        self.ending_sequence_number: int | None = None
        # ascending (the stream's counter only grows), so GetRecords and AT_TIMESTAMP can bisect
        self.sequence_numbers: list[int] = []
        self.arrival_times: list[float] = []
        self.children: list[AwsLikeShard] = []

    def close(self) -> None:
        """Close for a split or merge, before the children exist: the records stay here (AWS keeps
        them until retention), and the range ends above them and below every child's records."""
        self.is_open = False
        self.ending_sequence_number = self.sequence.next()

    def put_record(self, partition_key: str, data: str, explicit_hash_key: str) -> str:
        """O(1): moto copies all sequence numbers into a list to find the last one on every put."""
        sequence_number = self.sequence.next()
        record = models.Record(partition_key, data, sequence_number, explicit_hash_key)
        self.records[sequence_number] = record
        self.sequence_numbers.append(sequence_number)
        self.arrival_times.append(record.created_at)
        return str(sequence_number)

    def get_records(self, last_sequence_id: str, limit: int | None) -> tuple[list[models.Record], int, int]:
        """O(log n + limit): moto scans the shard from its first record on every call."""
        after = int(last_sequence_id)
        start = bisect_right(self.sequence_numbers, after)
        numbers = self.sequence_numbers[start : start + limit] if limit else self.sequence_numbers[start:]
        if not numbers:
            return [], after, 0
        records = [self.records[number] for number in numbers]
        # moto's MillisBehindLatest: from the last record returned to the shard's newest record
        millis_behind_latest = int((self.arrival_times[-1] - records[-1].created_at) * 1000)
        return records, numbers[-1], millis_behind_latest

    def get_min_sequence_number(self) -> int:
        """StartingSequenceNumber as AWS has it: where the shard's range begins, even while it is empty."""
        return self.starting_sequence_number

    def get_max_sequence_number(self) -> int:
        """The newest record's number (LATEST starts after it), in O(1) instead of moto's list copy."""
        return self.sequence_numbers[-1] if self.sequence_numbers else 0

    def get_sequence_number_at(self, at_timestamp: float) -> int:
        """AT_TIMESTAMP as moto has it (after the last record older than the timestamp), by bisection."""
        index = bisect_left(self.arrival_times, at_timestamp)
        return self.sequence_numbers[index - 1] if index else 0

    def to_json(self) -> dict[str, Any]:
        """The shard as ListShards and DescribeStream list it, with AWS's end of a closed shard."""
        response = super().to_json()
        if self.ending_sequence_number is not None:
            # moto reports the last record's number, or 0 for an empty shard; AWS reports the close
            response["SequenceNumberRange"]["EndingSequenceNumber"] = str(self.ending_sequence_number)
        return response

    def to_child_json(self) -> dict[str, Any]:
        """This shard as GetRecords lists it in ChildShards at the end of its parent."""
        return {
            "ShardId": self.shard_id,
            "ParentShards": [parent for parent in (self.parent, self.adjacent_parent) if parent],
            "HashKeyRange": {"StartingHashKey": str(self.starting_hash), "EndingHashKey": str(self.ending_hash)},
        }


class AwsLikeStream(models.Stream):
    """A stream whose splits and merges close their parents instead of moving their records."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.sequence = StreamSequence()  # before moto's __init__, which creates the first shards
        super().__init__(*args, **kwargs)

    def init_shards(self, shard_count: int) -> None:
        """moto's even division of the hash key space, with shards that share the stream's counter."""
        self.shard_count = shard_count
        step = _HASH_KEY_LIMIT // shard_count
        for index in range(shard_count):
            ending_hash = _HASH_KEY_LIMIT - 1 if index == shard_count - 1 else (index + 1) * step - 1
            self._add_shard(index * step, ending_hash)

    def split_shard(self, shard_to_split: str, new_starting_hash_key: str) -> None:
        """Close the parent with its records; the two children start empty and take the later puts."""
        shard = self.shards[shard_to_split]
        new_starting_hash = int(new_starting_hash_key)
        self._require_open(shard)
        if not shard.starting_hash < new_starting_hash < shard.ending_hash:
            raise InvalidArgumentError(
                message=f"NewStartingHashKey {new_starting_hash} is not inside the hash key range"
                f" {shard.starting_hash}..{shard.ending_hash} of shard {shard.shard_id}."
            )
        shard.close()
        shard.children = [
            self._add_shard(shard.starting_hash, new_starting_hash - 1, parent=shard.shard_id),
            self._add_shard(new_starting_hash, shard.ending_hash, parent=shard.shard_id),
        ]
        self.shard_count = self._open_shard_count()

    def merge_shards(self, shard_to_merge: str, adjacent_shard_to_merge: str) -> None:
        """Close both parents with their records; the child starts empty and takes the later puts."""
        shard, adjacent = self.shards[shard_to_merge], self.shards[adjacent_shard_to_merge]
        self._require_open(shard)
        self._require_open(adjacent)
        # AWS takes the two in either order; moto's check for the reverse order is off by two
        lower, upper = sorted((shard, adjacent), key=lambda s: s.starting_hash)
        if lower.ending_hash + 1 != upper.starting_hash:
            raise InvalidArgumentError(
                message=f"Shards {shard.shard_id} and {adjacent.shard_id} are not adjacent."
            )
        shard.close()
        adjacent.close()
        child = self._add_shard(
            lower.starting_hash, upper.ending_hash, parent=shard.shard_id, adjacent_parent=adjacent.shard_id
        )
        shard.children = adjacent.children = [child]
        self.shard_count = self._open_shard_count()

    def get_shard_for_key(self, partition_key: str, explicit_hash_key: str) -> AwsLikeShard | None:
        """Only open shards take records, and a shard's EndingHashKey is its own (AWS ranges are
        inclusive); moto also tries closed shards and leaves each EndingHashKey to no shard."""
        hash_key = _hash_key(partition_key, explicit_hash_key)
        for shard in self.shards.values():
            if shard.is_open and shard.starting_hash <= hash_key <= shard.ending_hash:
                return shard
        return None

    def _add_shard(
        self, starting_hash: int, ending_hash: int, parent: str | None = None, adjacent_parent: str | None = None
    ) -> AwsLikeShard:
        index = max((shard._shard_id for shard in self.shards.values()), default=-1) + 1
        shard = AwsLikeShard(index, starting_hash, ending_hash, self.sequence, parent, adjacent_parent)
        self.shards[shard.shard_id] = shard
        return shard

    def _require_open(self, shard: models.Shard) -> None:
        if not shard.is_open:
            raise InvalidArgumentError(
                message=f"Shard {shard.shard_id} in stream {self.stream_name} has already been merged or split."
            )

    def _open_shard_count(self) -> int:
        """OpenShardCount in DescribeStreamSummary; moto only updates it in UpdateShardCount."""
        return sum(1 for shard in self.shards.values() if shard.is_open)


def _hash_key(partition_key: str, explicit_hash_key: str | None) -> int:
    """The 128-bit hash key a record is routed by, with moto's argument checks."""
    if not isinstance(partition_key, str) or len(partition_key) > 256:
        raise InvalidArgumentError("partition_key")
    if explicit_hash_key:
        if not isinstance(explicit_hash_key, str) or int(explicit_hash_key) >= _HASH_KEY_LIMIT:
            raise InvalidArgumentError("explicit_hash_key")
        return int(explicit_hash_key)
    return int(md5_hash(partition_key.encode("utf-8")).hexdigest(), 16)


def _get_records(self: KinesisResponse) -> _Answer:
    """GetRecords as moto answers it, except at the end of a closed shard: there AWS returns no
    NextShardIterator, which is how consumers learn the shard has ended, and the shard's ChildShards."""
    stream_arn = self._get_param("StreamARN")
    shard_iterator = self._get_param("ShardIterator")
    next_iterator, records, millis_behind_latest = self.kinesis_backend.get_records(
        stream_arn, shard_iterator, self._get_param("Limit")
    )
    response: dict[str, Any] = {
        "Records": [_record_json(record) for record in records],
        "MillisBehindLatest": millis_behind_latest,
    }
    stream_name, shard_id, _ = decompose_shard_iterator(shard_iterator)
    shard = self.kinesis_backend.describe_stream(stream_arn=stream_arn, stream_name=stream_name).get_shard(shard_id)
    if records or shard.is_open:
        response["NextShardIterator"] = next_iterator
    else:
        response["ChildShards"] = [child.to_child_json() for child in shard.children]
    return _json_answer(response)


def _put_records(self: KinesisResponse) -> _Answer:
    """PutRecords as moto answers it, written directly (see _json_answer)."""
    response = self.kinesis_backend.put_records(
        self._get_param("StreamARN"), self._get_param("StreamName"), self._get_param("Records")
    )
    return _json_answer(response)


def _json_answer(body: dict[str, Any]) -> _Answer:
    """The answer as JSON, written directly: moto's generic serializer took about two thirds of the
    server's CPU for PutRecords and GetRecords. Errors still raise into moto's own handling."""
    return 200, {"Content-Type": "application/x-amz-json-1.1"}, json.dumps(body)


def _record_json(record: models.Record) -> dict[str, Any]:
    """A record as moto's serializer writes it; Data is the base64 text the producer sent."""
    return {
        "SequenceNumber": str(record.sequence_number),
        "ApproximateArrivalTimestamp": TimestampSerializer._timestamp_unixtimestamp(record.created_at_datetime),
        "Data": record.data,
        "PartitionKey": record.partition_key,
    }
