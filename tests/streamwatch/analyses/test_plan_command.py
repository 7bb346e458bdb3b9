"""``streamwatch plan`` through click's runner, on a fixture of `make bench`'s JSON and a small
simulator sample."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from streamwatch.cli import main

DATA = Path(__file__).resolve().parents[2] / "data"
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
    # throughput per core: the fixture's full job at parallelism 1, 1,012,000 records in 50 s, on 2 cores
    assert value["flink.per_core_p1"] == pytest.approx(10_120)
    assert value["flink.scaling_p1_to_p2"] == pytest.approx(50 / 46)  # shown beside it
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
    from streamwatch.analyses.capacity.viewers import sample_simulator

    lines, _ = plan_document
    sample = sample_simulator(users=60, days=1, seed=5)
    assert lines["events.peak_per_s"]["value"] == pytest.approx(2_000_000 * sample.events_per_watched_second_at_peak)
    assert "60 users x 1 days, seed 5" in lines["events.peak_per_s"]["basis"]


def test_the_tables_name_every_section():
    result = run("--concurrent-viewers", "50000000", "--bench", str(FIXTURE), *SMALL)
    assert result.exit_code == 0, result.output
    for title in ("Events from 50,000,000 concurrent viewers", "Kinesis Data Streams",
                  "Managed Service for Apache Flink", "Quotas and bounds", "S3 lake, per zone", "Redshift storage",
                  "Operations: Athena, Glue", "Monthly cost", "Prices and limits used"):
        assert title in result.output
    assert "Managed Flink KPUs per application: 64 -> at least" in result.output


def test_missing_results_say_to_run_make_bench(tmp_path):
    missing = tmp_path / "latest.json"
    result = run("--concurrent-viewers", "1000", "--bench", str(missing), *SMALL)
    assert result.exit_code == 1
    assert "run `streamwatch bench --events 1000000`" in result.output and str(missing) in result.output


def test_results_of_the_older_format_are_refused():
    result = run("--concurrent-viewers", "1000", "--bench", str(DATA / "bench_results_old_format.json"), *SMALL)
    assert result.exit_code == 1
    assert "older `streamwatch bench`" in result.output and "streamwatch bench --events" in result.output


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


def test_the_heartbeat_interval_reaches_the_simulator_and_scales_the_stream():
    """10 s heartbeats: the events per watching viewer are measured again on the simulator at 10 s, and
    shards and KPUs follow the events."""
    from streamwatch.analyses.capacity.viewers import sample_simulator

    result = run("--concurrent-viewers", "2000000", "--heartbeat-seconds", "10", "--bench", str(FIXTURE), *SMALL,
                 "--json")
    assert result.exit_code == 0, result.output
    lines = {line["key"]: line for line in json.loads(result.stdout)["lines"]}
    sample = sample_simulator(users=60, days=1, seed=5, heartbeat_s=10)
    events = 2_000_000 * sample.events_per_watched_second_at_peak
    assert lines["events.peak_per_s"]["value"] == pytest.approx(events)
    assert "a heartbeat every 10 s" in lines["events.peak_per_s"]["basis"]
    records = events * 1.012
    assert lines["kinesis.provisioned_shards"]["value"] >= math.ceil(records / 750)
    assert lines["flink.parallelism"]["value"] == math.ceil(records / (10_120 * 0.75))


def test_compaction_follows_the_job_unless_asked(plan_document):
    from flink_app.config import load_config

    lines, _ = plan_document
    compacts = load_config().compaction_file_size_mb > 0
    assert ("with compaction" in lines["s3.raw.objects_per_day"]["basis"]) == compacts
    result = run("--concurrent-viewers", "2000000", "--bench", str(FIXTURE), *SMALL, "--compaction", "--json")
    assert result.exit_code == 0, result.output
    compacted = {line["key"]: line for line in json.loads(result.stdout)["lines"]}
    assert compacted["s3.raw.objects_per_day"]["basis"].startswith("with compaction")
    assert "compaction.file-size 128 MiB" in compacted["s3.roll_interval_s"]["basis"]
