"""``streamwatch plan`` through click's runner, on a fixture of `make bench`'s JSON and a small
simulator sample."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from streamwatch.cli import main

DATA = Path(__file__).resolve().parents[1] / "data"
FIXTURE = DATA / "bench_results_fixture.json"
SMALL = ["--sample-users", "60", "--sample-days", "1", "--seed", "5"]


def run(*args: str):
    return CliRunner().invoke(main, ["plan", *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def plan_document():
    result = run("--concurrent-viewers", "2000000", "--bench", str(FIXTURE), *SMALL, "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    return {line["key"]: line for line in document["lines"]}, document["settings"]


def test_json_plan_scales_the_fixture(plan_document):
    lines, settings = plan_document
    assert settings["concurrent_viewers"] == 2_000_000 and settings["headroom"] == 0.25
    value = {key: line["value"] for key, line in lines.items()}
    # throughput per core: the fixture's full job, 1,012,000 records in 50 s and in 46 s, on 2 cores
    assert value["flink.per_core_p1"] == pytest.approx(10_120)
    assert value["flink.per_core_p2"] == pytest.approx(11_000)
    assert value["flink.parallelism"] == math.ceil(value["events.records_peak_per_s"] / (10_120 * 0.75))
    assert value["events.records_peak_per_s"] == pytest.approx(value["events.peak_per_s"] * 1.012)
    assert value["kinesis.provisioned_shards"] == max(
        math.ceil(value["events.records_peak_per_s"] / 750),
        math.ceil(value["kinesis.write_bytes_peak_per_s"] / (1024 * 1024 * 0.75)))
    # the template's RawRetentionDays (90) + 7 days as a noncurrent version
    assert value["s3.raw.stored_bytes"] == pytest.approx(value["s3.raw.bytes_per_day"] * 97)
    assert value["s3.raw.bytes_per_day"] == pytest.approx(value["events.per_day"] * 297)
    assert all(line["basis"] for line in lines.values())
    assert lines["cost.total"]["price_dates"]


def test_the_sample_options_reach_the_simulator(plan_document):
    from streamwatch.capacity.viewers import sample_simulator

    lines, _ = plan_document
    sample = sample_simulator(users=60, days=1, seed=5)
    assert lines["events.peak_per_s"]["value"] == pytest.approx(2_000_000 * sample.events_per_watched_second_at_peak)
    assert "60 users x 1 days, seed 5" in lines["events.peak_per_s"]["basis"]


def test_the_tables_name_every_section():
    result = run("--concurrent-viewers", "50000000", "--bench", str(FIXTURE), *SMALL)
    assert result.exit_code == 0, result.output
    for title in ("Events from 50,000,000 concurrent viewers", "Kinesis Data Streams",
                  "Managed Service for Apache Flink", "S3 lake, per zone", "Redshift storage", "Monthly cost",
                  "Prices and limits used"):
        assert title in result.output
    assert "ABOVE the default quota of 64" in " ".join(result.output.split())


def test_missing_results_say_to_run_make_bench(tmp_path):
    missing = tmp_path / "latest.json"
    result = run("--concurrent-viewers", "1000", "--bench", str(missing), *SMALL)
    assert result.exit_code == 1
    assert "run `make bench` first" in result.output and str(missing) in result.output


def test_results_of_the_older_format_are_refused():
    result = run("--concurrent-viewers", "1000", "--bench", str(DATA / "bench_results_old_format.json"), *SMALL)
    assert result.exit_code == 1
    assert "older `streamwatch bench`" in result.output and "make bench" in result.output


def test_a_prices_file_changes_the_cost_and_its_date(tmp_path):
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"flink_kpu_hour": {"value": 0.2, "as_of": "2026-12-24", "source": "test"}}))
    result = run("--concurrent-viewers", "1000000", "--bench", str(FIXTURE), "--prices", str(prices), *SMALL, "--json")
    assert result.exit_code == 0, result.output
    lines = {line["key"]: line for line in json.loads(result.stdout)["lines"]}
    kpus = lines["flink.kpus"]["value"]
    assert lines["flink.month"]["value"] == pytest.approx(kpus * 730 * 0.2 + (kpus - 1) * 50 * 0.10)
    assert "2026-12-24" in lines["flink.month"]["price_dates"]


def test_a_bad_prices_file_is_refused(tmp_path):
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"kpu": {"value": 1, "as_of": "2026-12-24", "source": "x"}}))
    result = run("--concurrent-viewers", "1000", "--bench", str(FIXTURE), "--prices", str(prices), *SMALL)
    assert result.exit_code == 1 and "unknown price 'kpu'" in result.output
