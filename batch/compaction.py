"""Compacting a closed day of the lake: each hour partition's small files merged into files of up to
128 MiB, rows and schema unchanged (docs/batch.md, "Compacting the day").

    compact_day(lake_root, dt, zones=COMPACTED_ZONES, target_bytes=128 MiB, small_bytes=64 MiB)
        -> DayReport

The streaming job's sinks compact per checkpoint only, so a zone that gets a few MiB a checkpoint
(processed/sessions, the 1- and 5-minute aggregates, dlq/, late/) still ends a day with thousands
of small objects. For every ``<zone>/dt=<dt>/hr=HH/`` this lists the visible data files (names not
starting with ``_`` or ``.``, the rule of ``warehouse.lake_files`` every reader applies), takes
those smaller than ``small_bytes`` (default half the target) as inputs, and when they fit in fewer files of
``target_bytes`` streams their rows, one file and one batch at a time, into new files of the same
Parquet layout: the same Arrow schema, INT96 timestamps where the input had them (Flink writes
TIMESTAMP(3) as INT96), the input's compression and format version. Files of different layouts
are compacted apart.

Crash safety: before writing, a manifest listing the inputs and outputs is written to
``<lake>/_compaction/<zone>/dt=<dt>/hr=HH/manifest.json`` (``_`` names are invisible to readers).
Outputs are written under a hidden ``_compacting-`` name and renamed when complete; once all are
in place the manifest is marked committed, then the inputs are deleted and the manifest last. A
rerun that finds a committed manifest finishes deleting its inputs; one that finds an uncommitted
manifest deletes its outputs and starts again. A file that appeared after the listing (the stream
still writes a late session, a late/ row) is in no manifest and is never touched. Between the
renames and the deletes a reader can see a row twice (processed/ readers count each key once,
contract §3).

Local paths and ``s3://`` URIs alike, through ``pyarrow.fs``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Iterable, Sequence

from batch.args import validate_dt
from warehouse.lake_files import is_visible

MIB = 2**20
DEFAULT_TARGET_BYTES = 128 * MIB
# Files of at least this size are left as they are: rewriting raw/'s ~125 MiB files into 128 MiB ones
# would copy terabytes a day to save a few objects.
DEFAULT_SMALL_BYTES = DEFAULT_TARGET_BYTES // 2
MANIFEST_ROOT = "_compaction"
MANIFEST_NAME = "manifest.json"
OUTPUT_PREFIX = "compacted-"
TEMPORARY_PREFIX = "_compacting-"
BATCH_ROWS = 65_536
# The zones a daily compaction rewrites. Not processed/stream_progress: the completeness check reads
# it (its newest partition and the _END_OF_INPUT marker), and it holds one small file per window.
COMPACTED_ZONES = (
    "processed/sessions",
    "processed/title_watch_5m",
    "processed/play_starts_1m",
    "raw",
    "dlq",
    "late",
)
NEVER_COMPACTED = frozenset({"processed/stream_progress"})


class CompactionError(RuntimeError):
    """The day cannot be compacted as asked; the message says what and where."""


@dataclasses.dataclass(frozen=True)
class ZoneReport:
    """What compaction did to one zone of one dt."""

    zone: str
    partitions: int = 0  # hour partitions seen
    partitions_compacted: int = 0
    files_before: int = 0  # visible data files of the compacted partitions, before
    files_after: int = 0  # ... and after
    bytes_before: int = 0
    bytes_after: int = 0
    resumed: int = 0  # partitions whose earlier interrupted run was finished or undone first

    def line(self) -> str:
        if not self.partitions_compacted:
            return f"{self.zone}: nothing to compact ({self.partitions} hour partition(s))"
        return (f"{self.zone}: {self.partitions_compacted} of {self.partitions} hour partition(s) compacted, "
                f"{self.files_before:,} -> {self.files_after:,} file(s), "
                f"{_size(self.bytes_before)} -> {_size(self.bytes_after)}"
                + (f" ({self.resumed} interrupted run(s) resumed)" if self.resumed else ""))


def _size(count: int) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", MIB), ("KiB", 2**10)):
        if count >= scale:
            return f"{count / scale:,.1f} {unit}"
    return f"{count} B"


@dataclasses.dataclass(frozen=True)
class DayReport:
    dt: str
    zones: tuple[ZoneReport, ...]

    def lines(self) -> list[str]:
        return [f"dt={self.dt} {zone.line()}" for zone in self.zones]

    def as_dict(self) -> dict:
        return {"dt": self.dt, "zones": [dataclasses.asdict(zone) for zone in self.zones]}


@dataclasses.dataclass(frozen=True)
class _File:
    name: str
    size: int


def compact_day(
    lake_root: str | Path,
    dt: str,
    zones: Sequence[str] = COMPACTED_ZONES,
    target_bytes: int = DEFAULT_TARGET_BYTES,
    small_bytes: int | None = None,
    filesystem=None,
    workers: int = 1,
) -> DayReport:
    """Compact every hour partition of ``zones`` for ``dt`` under ``lake_root`` (a directory, a
    ``file://`` or an ``s3://`` URI; or a path inside ``filesystem``, a ``pyarrow.fs.FileSystem``).

    Files of at least ``small_bytes`` (default: half of ``target_bytes``, 64 MiB) are left as they
    are. Run it for a closed day: files that appear while it runs are left alone, but it is not meant
    to race the stream. ``workers`` partitions are compacted at once, in threads (pyarrow decodes,
    encodes and transfers without the GIL); each partition is crash-safe on its own.
    """
    validate_dt(dt)
    if target_bytes <= 0:
        raise CompactionError(f"target_bytes must be > 0, got {target_bytes}")
    small_bytes = target_bytes // 2 if small_bytes is None else small_bytes
    if small_bytes <= 0:
        raise CompactionError(f"small_bytes must be > 0, got {small_bytes}")
    if workers < 1:
        raise CompactionError(f"workers must be >= 1, got {workers}")
    for zone in zones:
        if zone.strip("/") in NEVER_COMPACTED:
            raise CompactionError(f"{zone} is not compacted: the completeness check reads its files and marker")
        parts = zone.strip("/").split("/")
        if any(part.startswith(("_", ".")) or part in ("", "..") for part in parts):
            raise CompactionError(f"not a zone of the lake: {zone!r}")
    from concurrent.futures import ThreadPoolExecutor

    fs, root = _filesystem(lake_root, filesystem)
    zones = [zone.strip("/") for zone in zones]
    work = [(zone, hour_dir, f"{root}/{MANIFEST_ROOT}/{zone}/dt={dt}/{hour_dir.rsplit('/', 1)[-1]}/{MANIFEST_NAME}")
            for zone in zones for hour_dir in _hour_partitions(fs, f"{root}/{zone}/dt={dt}")]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        # every partition runs to its end (or its own error) before the first error is raised
        futures = [pool.submit(_compact_partition, fs, hour_dir, manifest, target_bytes, small_bytes)
                   for _zone, hour_dir, manifest in work]
    reports = {zone: ZoneReport(zone=zone) for zone in zones}
    for (zone, _hour_dir, _manifest), future in zip(work, futures):
        reports[zone] = _add(reports[zone], future.result())
    return DayReport(dt=dt, zones=tuple(reports[zone] for zone in zones))


# ---------------------------------------------------------------- one partition


@dataclasses.dataclass(frozen=True)
class _PartitionOutcome:
    compacted: bool = False
    files_before: int = 0
    files_after: int = 0
    bytes_before: int = 0
    bytes_after: int = 0
    resumed: bool = False


def _add(report: ZoneReport, outcome: _PartitionOutcome) -> ZoneReport:
    return dataclasses.replace(
        report,
        partitions=report.partitions + 1,
        partitions_compacted=report.partitions_compacted + int(outcome.compacted),
        files_before=report.files_before + outcome.files_before,
        files_after=report.files_after + outcome.files_after,
        bytes_before=report.bytes_before + outcome.bytes_before,
        bytes_after=report.bytes_after + outcome.bytes_after,
        resumed=report.resumed + int(outcome.resumed),
    )


def _compact_partition(fs, directory: str, manifest_path: str, target_bytes: int, small_bytes: int) -> _PartitionOutcome:
    resumed = _resume(fs, directory, manifest_path)
    files = _visible_files(fs, directory)
    inputs = [f for f in files if f.size < small_bytes]
    plan = []  # (layout, [groups of inputs])
    for layout, members in _by_layout(fs, directory, inputs):
        groups = _groups(members, target_bytes)
        if len(groups) < len(members):  # else rewriting would not make fewer files
            plan.append((layout, groups))
    if not plan:
        return _PartitionOutcome(resumed=resumed)

    used = [f for _, groups in plan for group in groups for f in group]
    digest = hashlib.sha256("\n".join(sorted(f.name for f in used)).encode()).hexdigest()[:16]
    taken = {f.name for f in files}
    outputs = []
    for layout, groups in plan:
        for group in groups:
            name = f"{OUTPUT_PREFIX}{digest}-{len(outputs):04d}"
            if name in taken:
                raise CompactionError(f"{directory}/{name} already exists and is not one of the inputs' outputs")
            outputs.append({"name": name, "inputs": [f.name for f in group], "layout": layout})
    manifest = {"directory": directory, "inputs": [f.name for f in used], "outputs": outputs, "committed": False}
    _write_json(fs, manifest_path, manifest)

    for output in outputs:
        temporary = f"{directory}/{TEMPORARY_PREFIX}{output['name']}"
        _rewrite(fs, [f"{directory}/{name}" for name in output["inputs"]], temporary, output["layout"])
        fs.move(temporary, f"{directory}/{output['name']}")
    _write_json(fs, manifest_path, {**manifest, "committed": True})
    _finish(fs, directory, manifest_path, manifest["inputs"])
    written = fs.get_file_info([f"{directory}/{o['name']}" for o in outputs])
    return _PartitionOutcome(compacted=True, files_before=len(used), files_after=len(outputs),
                             bytes_before=sum(f.size for f in used), bytes_after=sum(i.size for i in written),
                             resumed=resumed)


def _resume(fs, directory: str, manifest_path: str) -> bool:
    """Finish (committed) or undo (not committed) what an interrupted run left; True if there was one."""
    from pyarrow.fs import FileType

    if fs.get_file_info(manifest_path).type != FileType.File:
        return False
    manifest = _read_json(fs, manifest_path)
    if manifest.get("committed"):
        names = [o["name"] for o in manifest["outputs"]]
        missing = [n for n in names if fs.get_file_info(f"{directory}/{n}").type != FileType.File]
        if missing:
            raise CompactionError(f"{manifest_path} is committed but its output(s) {missing} are missing from "
                                  f"{directory}; its inputs are left in place: look before deleting anything")
        _finish(fs, directory, manifest_path, manifest["inputs"])
    else:
        for output in manifest["outputs"]:
            for name in (output["name"], TEMPORARY_PREFIX + output["name"]):
                _delete_if_present(fs, f"{directory}/{name}")
        fs.delete_file(manifest_path)
    return True


def _finish(fs, directory: str, manifest_path: str, inputs: Iterable[str]) -> None:
    for name in inputs:
        _delete_if_present(fs, f"{directory}/{name}")
    fs.delete_file(manifest_path)


def _delete_if_present(fs, path: str) -> None:
    from pyarrow.fs import FileType

    if fs.get_file_info(path).type == FileType.File:
        fs.delete_file(path)


# ---------------------------------------------------------------- Parquet


def _layout(fs, path: str) -> dict:
    """What a rewrite must keep of a file: INT96 timestamps, compression, format version, schema."""
    import pyarrow.parquet as pq

    with fs.open_input_file(path) as source:
        parquet = pq.ParquetFile(source)
        metadata, schema = parquet.metadata, parquet.schema_arrow
    parquet_schema = metadata.schema
    int96 = any(parquet_schema.column(i).physical_type == "INT96" for i in range(len(parquet_schema)))
    compression = metadata.row_group(0).column(0).compression if metadata.num_row_groups and metadata.num_columns else None
    return {"int96": int96, "compression": (compression or "NONE").lower(),
            "version": metadata.format_version, "schema": schema.to_string(show_schema_metadata=True)}


def _by_layout(fs, directory: str, files: list[_File]) -> list[tuple[dict, list[_File]]]:
    groups: dict[str, tuple[dict, list[_File]]] = {}
    for file in files:
        layout = _layout(fs, f"{directory}/{file.name}")
        key = json.dumps(layout, sort_keys=True)
        groups.setdefault(key, (layout, []))[1].append(file)
    return list(groups.values())


def _groups(files: list[_File], target_bytes: int) -> list[list[_File]]:
    """Consecutive files (by name) into groups of at most ``target_bytes`` of input (at least one file)."""
    groups: list[list[_File]] = []
    size = 0
    for file in sorted(files, key=lambda f: f.name):
        if groups and size + file.size <= target_bytes:
            groups[-1].append(file)
            size += file.size
        else:
            groups.append([file])
            size = file.size
    return groups


def _rewrite(fs, sources: list[str], target: str, layout: dict) -> None:
    """Stream the rows of ``sources`` into one new file at ``target``, in the layout of the sources."""
    import pyarrow.parquet as pq

    version = layout["version"] if layout["version"] in ("1.0", "2.4", "2.6") else "2.6"
    writer = None
    try:
        with fs.open_output_stream(target) as sink:
            for source_path in sources:
                with fs.open_input_file(source_path) as source:
                    parquet = pq.ParquetFile(source)
                    if writer is None:
                        writer = pq.ParquetWriter(sink, parquet.schema_arrow, compression=layout["compression"],
                                                  use_deprecated_int96_timestamps=layout["int96"], version=version)
                    for batch in parquet.iter_batches(batch_size=BATCH_ROWS):
                        writer.write_batch(batch)
            if writer is not None:
                writer.close()
                writer = None
    except BaseException:
        if writer is not None:
            try:
                writer.close()
            except Exception:  # noqa: BLE001 - the first error is the one to report
                pass
        _delete_if_present(fs, target)
        raise


# ---------------------------------------------------------------- listing and small files


def _filesystem(lake_root, filesystem):
    from pyarrow import fs as pafs

    if filesystem is not None:
        return filesystem, str(lake_root).rstrip("/")
    text = str(lake_root)
    if "://" not in text:
        return pafs.LocalFileSystem(), str(Path(text).resolve())
    if text.startswith("file://"):
        from warehouse.lake_files import local_path

        return pafs.LocalFileSystem(), str(local_path(text).resolve())
    if not text.startswith("s3://"):
        raise CompactionError(f"the lake must be a directory, a file:// or an s3:// URI, got {text!r}")
    filesystem, path = pafs.FileSystem.from_uri(text)
    return filesystem, path.rstrip("/")


def _hour_partitions(fs, day_dir: str) -> list[str]:
    from pyarrow.fs import FileSelector, FileType

    infos = fs.get_file_info(FileSelector(day_dir, allow_not_found=True))
    return sorted(i.path for i in infos if i.type == FileType.Directory and i.base_name.startswith("hr="))


def _visible_files(fs, directory: str) -> list[_File]:
    from pyarrow.fs import FileSelector, FileType

    infos = fs.get_file_info(FileSelector(directory, allow_not_found=True))
    return sorted((_File(i.base_name, i.size) for i in infos
                   if i.type == FileType.File and is_visible((i.base_name,))), key=lambda f: f.name)


def _write_json(fs, path: str, content: dict) -> None:
    if fs.type_name == "local":  # object stores need no directories
        fs.create_dir(path.rsplit("/", 1)[0], recursive=True)
    with fs.open_output_stream(path) as sink:
        sink.write((json.dumps(content, indent=2, sort_keys=True) + "\n").encode("utf-8"))


def _read_json(fs, path: str) -> dict:
    with fs.open_input_stream(path) as source:
        text = source.read().decode("utf-8")
    try:
        content = json.loads(text)
    except ValueError as error:
        raise CompactionError(f"{path} is not a compaction manifest ({error}); look at it, then delete it") from None
    if not isinstance(content, dict) or not {"inputs", "outputs"} <= set(content):
        raise CompactionError(f"{path} is not a compaction manifest; look at it, then delete it")
    return content
