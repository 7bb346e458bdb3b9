"""batch.compaction on a lake built by hand: many small files per hour partition in several zones,
INT96 timestamps like Flink's, markers and hidden files. The oracle is every visible file read with
pyarrow before and after, compared as multisets of rows in plain Python."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from batch import compaction
from batch.compaction import CompactionError, compact_day

DT = "2026-11-20"
UTC = dt.timezone.utc
SESSIONS = pa.schema([("session_id", pa.string()), ("user_id", pa.string()),
                      ("session_start", pa.timestamp("ms", tz="UTC")), ("watch_time_ms", pa.int64())])
LATE = pa.schema([("event_id", pa.string()), ("position_ms", pa.int64()), ("received_at", pa.timestamp("ms", tz="UTC"))])
ZONES = {"processed/sessions": (SESSIONS, "snappy"), "late": (LATE, "zstd")}


def _rows(schema: pa.Schema, hour: int, part: int, count: int) -> list[dict]:
    base = dt.datetime(2026, 11, 20, hour, tzinfo=UTC)
    rows = []
    for n in range(count):
        moment = base + dt.timedelta(seconds=part * 60 + n, milliseconds=n * 7)
        if schema is SESSIONS:
            rows.append({"session_id": f"s-{hour}-{part}-{n}", "user_id": f"u{n % 3}", "session_start": moment,
                         "watch_time_ms": None if n == 1 else n * 1000})
        else:
            rows.append({"event_id": f"e-{hour}-{part}-{n}", "position_ms": n, "received_at": moment})
    return rows


def _write(path: Path, rows: list[dict], schema: pa.Schema, compression: str, int96: bool = True) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path, compression=compression,
                   use_deprecated_int96_timestamps=int96, version="1.0")


def _partition(lake: Path, zone: str, hour: int) -> Path:
    return lake / zone / f"dt={DT}" / f"hr={hour:02d}"


@pytest.fixture
def lake(tmp_path) -> Path:
    root = tmp_path / "lake"
    for zone, (schema, compression) in ZONES.items():
        for hour in (0, 7, 23):
            for part in range(6):
                _write(_partition(root, zone, hour) / f"part-{part:04d}-0", _rows(schema, hour, part, 5), schema,
                       compression)
            (_partition(root, zone, hour) / "_SUCCESS").write_bytes(b"")
            (_partition(root, zone, hour) / ".part-abc-0.inprogress.1").write_bytes(b"not parquet at all")
    # one file alone in its partition: nothing to gain
    _write(_partition(root, "late", 12) / "part-0000-0", _rows(LATE, 12, 0, 3), LATE, "zstd")
    # the next day and the progress zone are never touched
    _write(root / "processed/sessions/dt=2026-11-21/hr=00/part-0000-0", _rows(SESSIONS, 0, 0, 2), SESSIONS, "snappy")
    _write(root / "processed/sessions/dt=2026-11-21/hr=00/part-0001-0", _rows(SESSIONS, 0, 1, 2), SESSIONS, "snappy")
    (root / "processed/stream_progress").mkdir(parents=True)
    (root / "processed/stream_progress/_END_OF_INPUT").write_text("{}")
    return root


def visible(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.is_file() and not p.name.startswith(("_", ".")))


def rows_of(directory: Path) -> Counter:
    """The multiset of rows of a partition's visible files (timestamps as Python datetimes)."""
    found: Counter = Counter()
    for path in visible(directory):
        for row in pq.read_table(path).to_pylist():
            found[tuple(sorted(row.items()))] += 1
    return found


def snapshot(root: Path) -> dict:
    """Rows of every partition, and the bytes of every hidden file, anywhere under the lake."""
    partitions = {str(p.relative_to(root)): rows_of(p) for p in root.rglob("hr=*") if p.is_dir()
                  and not str(p.relative_to(root)).startswith("_")}
    hidden = {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*")
              if p.is_file() and p.name.startswith(("_", "."))}
    return {"rows": partitions, "hidden": hidden}


@pytest.mark.parametrize("workers", [1, 4])
def test_rows_are_kept_and_files_merged(lake, workers):
    before = snapshot(lake)
    files_before = {p: len(visible(p)) for p in lake.rglob("hr=*")}

    report = compact_day(lake, DT, zones=["processed/sessions", "late"], workers=workers)

    assert snapshot(lake) == before  # rows per partition as multisets, hidden files byte for byte
    for zone in ZONES:
        for hour in (0, 7, 23):
            assert len(visible(_partition(lake, zone, hour))) == 1
            assert visible(_partition(lake, zone, hour))[0].name.startswith("compacted-")
    assert len(visible(_partition(lake, "late", 12))) == 1
    assert visible(_partition(lake, "late", 12))[0].name == "part-0000-0"
    other_day = lake / "processed/sessions/dt=2026-11-21/hr=00"
    assert len(visible(other_day)) == files_before[other_day] == 2
    assert not list((lake / "_compaction").rglob("*.json"))  # manifests removed once done

    by_zone = {z.zone: z for z in report.zones}
    assert by_zone["processed/sessions"].partitions == 3
    assert by_zone["processed/sessions"].partitions_compacted == 3
    assert (by_zone["processed/sessions"].files_before, by_zone["processed/sessions"].files_after) == (18, 3)
    assert by_zone["late"].partitions == 4 and by_zone["late"].partitions_compacted == 3
    assert by_zone["late"].bytes_before > by_zone["late"].bytes_after > 0
    assert "18 -> 3 file(s)" in report.lines()[0]


def test_the_parquet_layout_is_kept(lake):
    compact_day(lake, DT, zones=["processed/sessions", "late"])
    for zone, (schema, compression) in ZONES.items():
        source = pq.ParquetFile(visible(_partition(lake, zone, 7))[0])
        physical = {source.schema.column(i).name: source.schema.column(i).physical_type
                    for i in range(len(source.schema))}
        timestamp = "session_start" if zone == "processed/sessions" else "received_at"
        assert physical[timestamp] == "INT96"
        assert {source.metadata.row_group(0).column(i).compression for i in range(source.metadata.num_columns)} \
            == {compression.upper()}
        assert source.schema_arrow.names == schema.names


def test_a_partition_mixing_layouts_is_compacted_per_layout(tmp_path):
    directory = _partition(tmp_path, "processed/sessions", 3)
    for part in range(4):
        _write(directory / f"part-{part:04d}-0", _rows(SESSIONS, 3, part, 4), SESSIONS, "snappy", int96=True)
        _write(directory / f"part-{part:04d}-1", _rows(SESSIONS, 3, part + 10, 4), SESSIONS, "snappy", int96=False)
    before = rows_of(directory)

    compact_day(tmp_path, DT, zones=["processed/sessions"])

    assert rows_of(directory) == before
    kinds = sorted(pq.ParquetFile(p).schema.column(2).physical_type for p in visible(directory))
    assert kinds == ["INT64", "INT96"]


def test_outputs_stay_under_the_target_and_big_files_are_left(tmp_path):
    directory = _partition(tmp_path, "late", 5)
    for part in range(10):
        _write(directory / f"part-{part:04d}-0", _rows(LATE, 5, part, 200), LATE, "zstd")
    big = directory / "part-9999-0"
    _write(big, _rows(LATE, 5, 99, 2000), LATE, "zstd")
    sizes = [p.stat().st_size for p in visible(directory) if p != big]
    target = max(sizes) * 3  # three inputs to an output
    assert target < min(sizes) * 4
    before = rows_of(directory)

    compact_day(tmp_path, DT, zones=["late"], target_bytes=target, small_bytes=big.stat().st_size)

    assert rows_of(directory) == before
    outputs = [p for p in visible(directory) if p.name.startswith("compacted-")]
    assert len(outputs) == 4  # ceil(10 / 3)
    assert big.exists()


def test_a_crash_between_writing_and_deleting_is_finished_by_a_rerun(lake, monkeypatch):
    before = snapshot(lake)
    real_delete = compaction._delete_if_present
    calls = {"n": 0}

    def delete_then_crash(fs, path):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("injected: the job died while deleting the inputs")
        real_delete(fs, path)

    monkeypatch.setattr(compaction, "_delete_if_present", delete_then_crash)
    with pytest.raises(OSError, match="injected"):
        compact_day(lake, DT, zones=["processed/sessions"])
    manifests = list((lake / "_compaction").rglob("manifest.json"))
    assert len(manifests) == 1 and json.loads(manifests[0].read_text())["committed"] is True
    monkeypatch.setattr(compaction, "_delete_if_present", real_delete)

    report = compact_day(lake, DT, zones=["processed/sessions"])

    assert snapshot(lake) == before  # every row exactly once
    assert report.zones[0].resumed == 1
    assert not list((lake / "_compaction").rglob("manifest.json"))


def test_a_crash_while_writing_is_undone_by_a_rerun(lake, monkeypatch):
    before = snapshot(lake)
    real_rewrite = compaction._rewrite
    calls = {"n": 0}

    def rewrite_then_crash(fs, sources, target, layout):
        calls["n"] += 1
        if calls["n"] == 2:
            real_rewrite(fs, sources, target, layout)
            raise OSError("injected: the job died after writing an output")
        real_rewrite(fs, sources, target, layout)

    monkeypatch.setattr(compaction, "_rewrite", rewrite_then_crash)
    with pytest.raises(OSError, match="injected"):
        compact_day(lake, DT, zones=["processed/sessions"])
    monkeypatch.setattr(compaction, "_rewrite", real_rewrite)

    compact_day(lake, DT, zones=["processed/sessions"])

    assert snapshot(lake) == before
    assert not [p for p in _partition(lake, "processed/sessions", 0).iterdir() if p.name.startswith("_compacting-")]


def test_a_file_that_appears_after_the_listing_is_left_alone(lake, monkeypatch):
    directory = _partition(lake, "late", 7)
    newcomer = directory / "part-0100-0"
    written = {}
    real_rewrite = compaction._rewrite

    def rewrite_while_the_stream_writes(fs, sources, target, layout):
        if not newcomer.exists():
            _write(newcomer, _rows(LATE, 7, 100, 2), LATE, "zstd")
            written["bytes"] = newcomer.read_bytes()
        real_rewrite(fs, sources, target, layout)

    monkeypatch.setattr(compaction, "_rewrite", rewrite_while_the_stream_writes)
    compact_day(lake, DT, zones=["late"])

    assert newcomer.read_bytes() == written["bytes"]
    assert len(visible(directory)) == 2  # the compacted file and the newcomer


def test_a_second_run_is_a_no_op(lake):
    compact_day(lake, DT, zones=["processed/sessions", "late"])
    files = {p: p.stat().st_mtime_ns for p in lake.rglob("*") if p.is_file()}

    report = compact_day(lake, DT, zones=["processed/sessions", "late"])

    assert {p: p.stat().st_mtime_ns for p in lake.rglob("*") if p.is_file()} == files
    assert all(z.partitions_compacted == 0 for z in report.zones)


def test_a_crash_in_one_partition_leaves_the_others_compacted(lake, monkeypatch):
    """With several workers a failing partition does not stop the others; a rerun does the rest."""
    before = snapshot(lake)
    real_rewrite = compaction._rewrite
    failed = {"n": 0}

    def rewrite_failing_hour_07(fs, sources, target, layout):
        if "hr=07" in target and not failed["n"]:
            failed["n"] += 1
            raise OSError("injected: S3 refused a write")
        real_rewrite(fs, sources, target, layout)

    monkeypatch.setattr(compaction, "_rewrite", rewrite_failing_hour_07)
    with pytest.raises(OSError, match="injected"):
        compact_day(lake, DT, zones=["processed/sessions"], workers=3)
    assert [len(visible(_partition(lake, "processed/sessions", hour))) == 1 for hour in (0, 7, 23)] == \
        [True, False, True]
    report = compact_day(lake, DT, zones=["processed/sessions"], workers=3)
    assert snapshot(lake) == before
    assert all(len(visible(_partition(lake, "processed/sessions", hour))) == 1 for hour in (0, 7, 23))
    assert report.zones[0].partitions_compacted == 1


def test_a_day_with_nothing_is_fine_and_the_progress_zone_is_refused(lake):
    report = compact_day(lake, "2026-01-01")
    assert all(z.partitions == 0 for z in report.zones)
    with pytest.raises(CompactionError, match="completeness"):
        compact_day(lake, DT, zones=["processed/stream_progress"])
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        compact_day(lake, "20261120")


def test_the_default_zones_leave_stream_progress_out():
    assert "processed/stream_progress" not in compaction.COMPACTED_ZONES
    assert {"processed/sessions", "processed/title_watch_5m", "processed/play_starts_1m", "dlq", "late"} \
        <= set(compaction.COMPACTED_ZONES)


def test_by_default_files_of_half_the_target_and_more_are_left(tmp_path):
    directory = _partition(tmp_path, "raw", 2)
    for part in range(3):
        _write(directory / f"part-{part:04d}-0", _rows(LATE, 2, part, 2), LATE, "zstd")
    big = directory / "part-0009-0"
    _write(big, _rows(LATE, 2, 9, 400), LATE, "zstd")
    small = max(p.stat().st_size for p in visible(directory) if p != big)
    target = 2 * big.stat().st_size  # the big file is exactly half the target
    assert small * 3 < target
    before = rows_of(directory)

    compact_day(tmp_path, DT, zones=["raw"], target_bytes=target)

    assert rows_of(directory) == before
    assert sorted(p.name[:10] for p in visible(directory)) == ["compacted-", "part-0009-"]


def test_files_that_would_not_become_fewer_are_not_rewritten(tmp_path):
    directory = _partition(tmp_path, "late", 4)
    for part in range(3):
        _write(directory / f"part-{part:04d}-0", _rows(LATE, 4, part, 50), LATE, "zstd")
    sizes = [p.stat().st_size for p in visible(directory)]
    target = int(min(sizes) * 1.6)  # any two together are over the target
    assert max(sizes) < target
    before = {p.name: p.read_bytes() for p in visible(directory)}

    report = compact_day(tmp_path, DT, zones=["late"], target_bytes=target, small_bytes=target)

    assert {p.name: p.read_bytes() for p in visible(directory)} == before
    assert report.zones[0].partitions_compacted == 0
