"""What `streamwatch bench` measures of the full job's lake, and that `streamwatch plan` reads what
it saves (no job is run here: the lake is written by hand)."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq

from streamwatch.local.bench import ZONES, JobMeasure, ZoneSize, save, zone_sizes
from streamwatch.analyses.capacity.bench_figures import load_bench
from streamwatch.commands.bench import zone_table
from tests.streamwatch.zone_files import write_dlq, write_raw


def test_zone_sizes_count_files_bytes_and_rows_of_every_zone(tmp_path):
    lake = tmp_path / "lake"
    raw = [write_raw(lake / "raw" / "dt=2024-03-09" / "hr=07" / f"part-{n}",
                     [('{"event_id": "a"}', "2024-03-09T07:00:00Z", "s", str(k)) for k in range(rows)])
           for n, rows in enumerate((3, 2))]
    (lake / "raw" / "dt=2024-03-09" / "hr=07" / "_SUCCESS").write_bytes(b"")
    (lake / "raw" / "dt=2024-03-09" / "hr=07" / ".part-9.inprogress").write_bytes(b"not yet")
    dlq = write_dlq(lake / "dlq" / "dt=2024-03-09" / "hr=07" / "part-0", [("x", "not valid JSON", "2024-03-09T07:00Z")])
    sessions = lake / "processed" / "sessions" / "dt=2024-03-09" / "hr=07" / "part-0"
    sessions.parent.mkdir(parents=True)
    pq.write_table(pa.table({"event_count": [1, 2, 3, 4]}), sessions)
    sizes = zone_sizes(lake)
    assert set(sizes) == set(ZONES)
    assert sizes["raw"] == ZoneSize(files=2, bytes=sum(p.stat().st_size for p in raw), rows=5)
    assert sizes["dlq"] == ZoneSize(files=1, bytes=dlq.stat().st_size, rows=1)
    assert sizes["processed/sessions"].rows == 4
    assert sizes["late"] == ZoneSize(files=0, bytes=0, rows=0) and sizes["late"].bytes_per_row is None
    assert sizes["raw"].bytes_per_row == sizes["raw"].bytes / 5


def test_the_saved_results_carry_bytes_per_row_and_the_plan_still_reads_them(tmp_path):
    lake = {zone: ZoneSize(files=1, bytes=1000, rows=400) for zone in ZONES}
    lake["late"] = ZoneSize(files=0, bytes=0, rows=0)
    measures = [JobMeasure(name, parallelism, "rocksdb", 1_012_000, 40.0, 60.0, 2 * 2**30)
                for name, parallelism in (("json-scan", 1), ("parse-scan", 1), ("full", 1), ("full-p2", 2))]
    path = save(measures, events=1_000_000, lake=lake, event_time_span_s=3600.0, path=tmp_path / "latest.json")
    document = json.loads(path.read_text())
    assert document["lake"]["raw"] == {"files": 1, "bytes": 1000, "rows": 400, "bytes_per_row": 2.5}
    assert document["lake"]["late"]["bytes_per_row"] is None
    figures = load_bench(path)
    assert figures.zone("raw").bytes == 1000 and figures.zone("raw").rows == 400
    assert figures.full.net_records_per_second == 1_012_000 / 40.0


def test_the_zone_table_shows_bytes_per_record():
    from rich.console import Console

    console = Console(record=True, width=120)
    console.print(zone_table({"raw": ZoneSize(files=3, bytes=30_000, rows=240), "late": ZoneSize(0, 0, 0)}))
    text = console.export_text()
    assert "bytes per record" in text and "125.0" in text and "—" in text


def test_the_readme_s_bench_command_writes_a_file_plan_accepts(tmp_path, monkeypatch):
    """The README's `streamwatch bench` line, run through the CLI with the jobs and the lake faked
    (no Flink here): what it saves is what `streamwatch plan` sizes from, without the parallelism-2
    run that only `make bench` adds."""
    import re
    import shlex
    from pathlib import Path

    from click.testing import CliRunner

    import streamwatch.local.bench as bench
    from streamwatch.cli import main

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    line = re.search(r"`(streamwatch bench [^`]*)`", readme)
    assert line, "the README names a streamwatch bench command"
    args = shlex.split(line.group(1))[1:]
    ran = []

    def fake_job(name, input_path, workdir, parallelism=1, state_backend="rocksdb"):
        ran.append((name, parallelism, state_backend))
        return JobMeasure(bench.job_label(name, parallelism, state_backend), parallelism, state_backend,
                          1_012_000, 50.0, 60.0, 2**30)

    monkeypatch.setattr(bench, "generate_input", lambda path, events, seed, users: path.write_text(""))
    monkeypatch.setattr(bench, "measure_job", fake_job)
    monkeypatch.setattr(bench, "zone_sizes", lambda lake: {zone: ZoneSize(2, 2000, 100) for zone in ZONES})
    monkeypatch.setattr(bench, "event_time_span_s", lambda path: 3600.0)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert ("full", 2, "rocksdb") not in ran  # the README's command runs no parallelism-2 job
    figures = load_bench(tmp_path / "bench-results" / "latest.json")
    assert figures.full.parallelism == 1 and figures.full_p2 is None
    assert figures.full.net_records_per_second == 1_012_000 / 50.0
