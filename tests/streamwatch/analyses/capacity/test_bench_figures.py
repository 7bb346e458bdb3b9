"""Reading `make bench`'s JSON: the figures the plan needs, and clear refusals of unusable files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from streamwatch.analyses.capacity.bench_figures import BenchResultsError, load_bench

DATA = Path(__file__).resolve().parents[3] / "data"
FIXTURE = DATA / "bench_results_fixture.json"
OLD = DATA / "bench_results_old_format.json"


def test_reads_the_full_job_at_both_parallelisms_and_the_lake():
    figures = load_bench(FIXTURE)
    assert figures.cpu_count == 2 and figures.events == 1_000_000
    assert figures.full.parallelism == 1 and figures.full_p2.parallelism == 2
    assert figures.full.net_records_per_second == pytest.approx(1_012_000 / 50.0)
    assert figures.full_p2.net_records_per_second == pytest.approx(1_012_000 / 46.0)
    # busy time summed over the four vertices of the fixture: 44 + 21 + 43 + 27 = 135 s over 50 s
    assert figures.full.busy_threads == pytest.approx(2.7)
    assert figures.records_per_event == pytest.approx(1.012)
    assert figures.zone("raw").bytes == 297_000_000
    assert figures.zone("processed/sessions").rows == 18_000


def test_a_missing_file_says_to_run_make_bench(tmp_path):
    missing = tmp_path / "bench-results" / "latest.json"
    with pytest.raises(BenchResultsError, match="run `streamwatch bench --events 1000000`.* first") as caught:
        load_bench(missing)
    assert str(missing) in str(caught.value)


def test_the_older_format_is_refused_with_what_to_run():
    with pytest.raises(BenchResultsError, match="older `streamwatch bench`.*streamwatch bench --events") as caught:
        load_bench(OLD)
    assert "lake" in str(caught.value) and str(OLD) in str(caught.value)


def test_a_run_without_the_parallelism_2_job_is_accepted(tmp_path):
    """The plan sizes from parallelism 1; parallelism 2 is shown when `make bench` measured it."""
    document = json.loads(FIXTURE.read_text())
    document["jobs"] = [job for job in document["jobs"] if job["name"] != "full-p2"]
    path = tmp_path / "latest.json"
    path.write_text(json.dumps(document))
    figures = load_bench(path)
    assert figures.full_p2 is None
    assert figures.full.net_records_per_second == pytest.approx(1_012_000 / 50.0)


def test_a_run_without_the_full_job_at_parallelism_1_is_refused(tmp_path):
    document = json.loads(FIXTURE.read_text())
    document["jobs"] = [job for job in document["jobs"] if job["name"] != "full"]
    path = tmp_path / "latest.json"
    path.write_text(json.dumps(document))
    with pytest.raises(BenchResultsError, match="'full'.*parallelism 1"):
        load_bench(path)


@pytest.mark.parametrize("breakage", ["zone", "runtime", "not-json"])
def test_broken_files_name_what_is_wrong(tmp_path, breakage):
    path = tmp_path / "latest.json"
    document = json.loads(FIXTURE.read_text())
    if breakage == "zone":
        del document["lake"]["processed/sessions"]
        path.write_text(json.dumps(document))
        expected = "processed/sessions"
    elif breakage == "runtime":
        document["jobs"][2]["net_runtime_s"] = 0
        path.write_text(json.dumps(document))
        expected = "no run time"
    else:
        path.write_text("{ not json")
        expected = "not readable JSON"
    with pytest.raises(BenchResultsError, match=expected):
        load_bench(path)


def test_a_rate_measured_on_heap_state_is_refused(tmp_path):
    """The service runs RocksDB; a plan from a heap-state rate would be about twice too optimistic."""
    document = json.loads(FIXTURE.read_text())
    for job in document["jobs"]:
        if job["name"] == "full":
            job["state_backend"] = "heap"
    path = tmp_path / "heap.json"
    path.write_text(json.dumps(document))
    with pytest.raises(BenchResultsError, match="measured on heap state"):
        load_bench(path)
