"""What a file replay reads: one staged text file, in order, of either kind of input.

* **jsonl** — plain JSON-lines files (a producer's output, a corrected batch of records): one
  file is replayed as it is; several are concatenated in path order into the staging file.
* **raw-zone** — the Parquet files of a lake's raw/ zone (or some of its dt=/hr= partitions),
  told apart from JSON lines by the ``PAR1`` magic that opens every Parquet file. The rows are
  staged as ONE text file, one line per record, each line a JSON array
  ``[arrival_epoch_millis, shard_id, sequence_number, record]`` (``null`` for the shard and the
  sequence number of a record that came from a plain file; the record as a JSON string, so a
  newline inside it is escaped), ordered as Kinesis delivered them: by arrival, then shard, then
  sequence number compared as a number, then the record's text. The job replays each with its
  original arrival, so its event time (sent_at corrects a device clock only for a record that came from Kinesis) and the
  future-skew rule judge it as they did the first time; lateness follows the replay's own order.

Flink's file source reads the files of a directory in no defined order, and replaying hour 10
after hour 11 would turn all of hour 10 late: hence one staged file. A staged file is written
atomically (``.partial``, then renamed) and reused when it already exists, so a resumed replay
reads the very file it was checkpointed on; the caller removes it once the replay has finished.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, NamedTuple

from warehouse.lake_files import LocalFiles

JSONL = "jsonl"
RAW_ZONE = "raw-zone"
PARQUET_MAGIC = b"PAR1"
RAW_COLUMNS = ("record", "arrival", "shard_id", "sequence_number")


class ReplayInputError(ValueError):
    """The replay input is missing, empty or mixes kinds; the message says which files."""


class StagedInput(NamedTuple):
    path: Path  # the one file the job reads
    kind: str  # JSONL or RAW_ZONE: how the job reads each line


def input_files(path: Path) -> list[Path]:
    """The data files of a replay input: the file itself, or every data file under a directory
    (hidden and ``_``-prefixed names skipped), in path order."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise ReplayInputError(f"replay input {path} does not exist")
    files = [Path(file) for file in LocalFiles().data_files(str(path))]
    if not files:
        raise ReplayInputError(f"replay input {path} holds no data files")
    return files


def input_kind(files: list[Path]) -> str:
    """RAW_ZONE when every non-empty file is Parquet, JSONL when none is; a mix is refused."""
    parquet, plain = [], []
    for file in files:
        with file.open("rb") as handle:
            head = handle.read(len(PARQUET_MAGIC))
        if head == PARQUET_MAGIC:
            parquet.append(file)
        elif head:
            plain.append(file)
    if parquet and plain:
        raise ReplayInputError(
            f"the replay input mixes Parquet files of a raw zone ({parquet[0]}, {len(parquet)} in all) with "
            f"JSON-lines files ({plain[0]}, {len(plain)} in all): replay one kind at a time")
    if not parquet and not plain:
        raise ReplayInputError(f"the replay input holds no records: {len(files)} empty file(s), e.g. {files[0]}")
    return RAW_ZONE if parquet else JSONL


@contextmanager
def ordered_replay_input(path: Path, staging: Path | None = None) -> Iterator[StagedInput]:
    """The one file to replay and its kind (see the module docstring). With ``staging`` the staged
    file is written there, or reused when it exists, and left for the caller to remove; without
    it a temporary file is used and removed on exit. A single JSON-lines file is not staged."""
    files = input_files(path)
    kind = input_kind(files)
    if kind == JSONL and len(files) == 1:
        yield StagedInput(files[0], kind)
        return
    if staging is not None:
        if not staging.exists():
            _stage(files, kind, staging)
        yield StagedInput(staging, kind)
        return
    workdir = Path(tempfile.mkdtemp(prefix="streamwatch-replay-"))
    try:
        staged = workdir / "replay.jsonl"
        _stage(files, kind, staged)
        yield StagedInput(staged, kind)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _stage(files: list[Path], kind: str, target: Path) -> None:
    """Write ``target`` atomically: a killed run leaves a ``.partial`` file, never a short target."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    if kind == RAW_ZONE:
        lines = _raw_zone_lines(files)
        if not lines:
            raise ReplayInputError(f"the raw zone input holds no records ({len(files)} Parquet file(s), no rows)")
        with partial.open("w", encoding="utf-8", newline="\n") as out:
            out.writelines(lines)
    else:
        _concatenate(files, partial)
    partial.replace(target)


def _concatenate(files: list[Path], target: Path) -> None:
    with target.open("wb") as out:
        for file in files:
            with file.open("rb") as source:
                shutil.copyfileobj(source, out, length=1 << 20)
            out.write(b"\n")  # a file without a final newline must not glue two records


def _raw_zone_lines(files: list[Path]) -> list[str]:
    """The staged lines of raw-zone Parquet files, in the order Kinesis delivered the records."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from streamwatch.analyses.lake import epoch_millis

    parts = []
    for file in files:
        table = pq.read_table(file, columns=list(RAW_COLUMNS))
        # each file's arrival as int64 millis: INT96 files (ns) and fixtures (ms) then concatenate
        parts.append(pa.table({
            "record": table.column("record").cast(pa.string()),
            "arrival": pa.array(epoch_millis(table.column("arrival")), pa.int64()),
            "shard_id": table.column("shard_id").cast(pa.string()),
            "sequence_number": table.column("sequence_number").cast(pa.string()),
        }))
    rows = pa.concat_tables(parts)
    sequence = pc.utf8_ltrim(rows.column("sequence_number"), characters="0")
    keyed = rows.append_column("sequence_digits", pc.utf8_length(sequence)).append_column(
        "sequence_trimmed", sequence)
    # Decimal sequence numbers (Kinesis's run to 56 digits, beyond any integer type) compare as
    # numbers by their digit count first, then as text. Records of a plain file have none: those
    # that arrived in the same millisecond are taken in the order of their text, so that the order
    # does not depend on how the zone happens to be split into files.
    order = pc.sort_indices(keyed, sort_keys=[("arrival", "ascending"), ("shard_id", "ascending"),
                                               ("sequence_digits", "ascending"),
                                               ("sequence_trimmed", "ascending"), ("record", "ascending")],
                            null_placement="at_start")
    ordered = rows.take(order)
    return [json.dumps([arrival, shard, sequence_number, record], ensure_ascii=False, separators=(",", ":")) + "\n"
            for arrival, shard, sequence_number, record in zip(
                ordered.column("arrival").to_pylist(), ordered.column("shard_id").to_pylist(),
                ordered.column("sequence_number").to_pylist(), ordered.column("record").to_pylist())]
