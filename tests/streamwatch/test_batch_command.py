"""`streamwatch batch` through the CLI runner (the session's one Spark is reused)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
from click.testing import CliRunner

from streamwatch.cli import main

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "processed_fixture"


def run(*args):
    return CliRunner().invoke(main, ["batch", *args], catch_exceptions=False)


def test_batch_builds_every_curated_table_for_the_dt(tmp_path):
    lake = Path(shutil.copytree(FIXTURE, tmp_path / "lake"))
    result = run("--dt", "2024-03-10", "--lake", str(lake))
    assert result.exit_code == 0, result.output
    for table, rows in (("dim_title", 8), ("daily_user_engagement", 7), ("daily_title_popularity", 7),
                        ("daily_device_summary", 7)):
        assert f"{table}" in result.output
        directory = lake / "curated" / table / "dt=2024-03-10"
        files = [f for f in directory.iterdir() if not f.name.startswith(("_", "."))]
        assert sum(pq.read_metadata(f).num_rows for f in files) == rows
    assert not (lake / "curated" / "dim_title" / "dt=2024-03-09").exists()
    assert "done" in result.output


def test_all_dts_and_one_table(tmp_path):
    lake = Path(shutil.copytree(FIXTURE, tmp_path / "lake"))
    result = run("--all-dts", "--table", "daily_device_summary", "--lake", str(lake))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (lake / "curated" / "daily_device_summary").iterdir()) == [
        "dt=2024-03-09", "dt=2024-03-10", "dt=2024-03-11"]
    assert not (lake / "curated" / "dim_title").exists()


def test_a_dt_without_processed_data_is_warned_about(tmp_path):
    lake = Path(shutil.copytree(FIXTURE, tmp_path / "lake"))
    result = run("--dt", "2024-04-01", "--table", "daily_device_summary", "--lake", str(lake))
    assert result.exit_code == 0 and "processed/ has nothing for dt=2024-04-01" in result.output


def test_bad_input_gets_a_clear_message(tmp_path):
    result = run("--dt", "2024-13-01", "--lake", str(tmp_path))
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output
    result = run("--dt", "2024-03-10", "--lake", str(tmp_path / "missing"))
    assert result.exit_code == 1 and "lake directory not found" in result.output
    result = run("--lake", str(tmp_path))
    assert result.exit_code == 2 and "--dt" in result.output


def test_help_has_an_example():
    result = run("--help")
    assert result.exit_code == 0 and "streamwatch batch --dt" in result.output


def _progress_module():
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "batch" / "test_completeness.py"
    spec = importlib.util.spec_from_file_location("completeness_tests", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _lake_without_marker(tmp_path) -> Path:
    lake = Path(shutil.copytree(FIXTURE, tmp_path / "lake"))
    (lake / "processed" / "stream_progress" / "_END_OF_INPUT").unlink()
    return lake


def test_a_day_the_stream_has_not_finished_is_refused_with_how_far_it_is(tmp_path):
    lake = _lake_without_marker(tmp_path)
    _progress_module().write_progress(lake, ["2024-03-10T23:55:00", "2024-03-11T00:20:00"])
    result = run("--dt", "2024-03-09", "--dt", "2024-03-10", "--lake", str(lake))
    assert result.exit_code == 1
    output = " ".join(result.output.split())
    assert "dt=2024-03-10 is not complete yet" in output
    assert "2024-03-11T00:25:00.000Z" in output  # how far the stream is: the newest window_end
    assert "2024-03-11T00:30:00.000Z" in output  # what would make it complete
    assert "dt=2024-03-09" not in output  # complete days are not listed as refused ...
    assert not (lake / "curated").exists()  # ... and nothing at all is built


def test_a_lake_without_any_progress_is_refused_then_built_with_force(tmp_path):
    lake = _lake_without_marker(tmp_path)
    shutil.rmtree(lake / "processed" / "stream_progress")
    result = run("--dt", "2024-03-10", "--lake", str(lake))
    assert result.exit_code == 1 and "no progress published yet" in result.output
    assert "--force" in result.output
    result = run("--dt", "2024-03-10", "--lake", str(lake), "--force")
    assert result.exit_code == 0, result.output
    assert "--force" in result.output and (lake / "curated" / "daily_device_summary" / "dt=2024-03-10").is_dir()


def test_batch_on_a_lake_from_elsewhere_skips_dim_title_and_says_so(tmp_path):
    """Item 1: no title catalog, no producer: the three daily tables are built, dim_title is skipped."""
    lake = tmp_path / "foreign"
    shutil.copytree(FIXTURE / "processed", lake / "processed")
    result = run("--dt", "2024-03-10", "--lake", str(lake))
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert "dim_title" in output and "skipped: no title catalog at" in output
    for table in ("daily_user_engagement", "daily_title_popularity", "daily_device_summary"):
        files = [f for f in (lake / "curated" / table / "dt=2024-03-10").iterdir() if not f.name.startswith(("_", "."))]
        assert sum(pq.read_metadata(f).num_rows for f in files) == 7
    assert not (lake / "curated" / "dim_title").exists()


def _split_into_one_row_files(lake: Path) -> int:
    """Every visible data file of processed/, raw/, dlq/ and late/ rewritten as one file per row, in
    the same Parquet layout (INT96 or not, the same compression): the small files a stream leaves."""
    written = 0
    for path in sorted(p for zone in ("processed", "raw", "dlq", "late") for p in (lake / zone).rglob("*")):
        if not path.is_file() or path.name.startswith(("_", ".")) or "stream_progress" in path.parts:
            continue
        source = pq.ParquetFile(path)
        int96 = any(source.schema.column(i).physical_type == "INT96" for i in range(len(source.schema)))
        compression = source.metadata.row_group(0).column(0).compression if source.metadata.num_row_groups else "SNAPPY"
        table = source.read()
        path.unlink()
        for n in range(table.num_rows):
            pq.write_table(table.slice(n, 1), path.with_name(f"{path.name}-row{n:03d}"), compression=compression,
                           use_deprecated_int96_timestamps=int96)
            written += 1
    return written


def _curated_rows(lake: Path) -> dict:
    from collections import Counter

    tables = {}
    for table in sorted(p for p in (lake / "curated").iterdir() if p.is_dir()):
        rows: Counter = Counter()
        for path in table.rglob("*"):
            if path.is_file() and not any(part.startswith(("_", ".")) for part in path.relative_to(table).parts):
                for row in pq.read_table(path).to_pylist():
                    rows[(path.parent.name, tuple(sorted(row.items())))] += 1
        tables[table.name] = rows
    return tables


def test_compacting_first_changes_no_curated_row(tmp_path):
    plain = Path(shutil.copytree(FIXTURE, tmp_path / "plain"))
    compacted = Path(shutil.copytree(FIXTURE, tmp_path / "compacted"))
    assert _split_into_one_row_files(plain) == _split_into_one_row_files(compacted) > 20
    hidden = {p.relative_to(compacted): p.read_bytes() for p in compacted.rglob("*")
              if p.is_file() and p.name.startswith(("_", "."))}

    without = run("--dt", "2024-03-10", "--lake", str(plain), "--no-compact")
    with_compaction = run("--dt", "2024-03-10", "--lake", str(compacted))

    assert without.exit_code == 0 and with_compaction.exit_code == 0, without.output + with_compaction.output
    assert "file(s)" not in without.output
    assert "processed/sessions:" in with_compaction.output and "file(s)" in with_compaction.output
    assert _curated_rows(plain) == _curated_rows(compacted)
    assert _curated_rows(compacted)["daily_user_engagement"]  # not trivially equal
    files = lambda lake: sum(1 for p in (lake / "processed").rglob("dt=2024-03-10/*/*")
                             if p.is_file() and not p.name.startswith(("_", ".")))
    assert files(compacted) < files(plain)
    assert {p: b for p, b in hidden.items() if not str(p).startswith("curated")} == {
        p.relative_to(compacted): p.read_bytes() for p in compacted.rglob("*") if p.is_file()
        and p.name.startswith(("_", ".")) and not str(p.relative_to(compacted)).startswith("curated")}


def test_help_shows_no_compact():
    result = run("--help")
    assert "--no-compact" in result.output and "compacted" in result.output
