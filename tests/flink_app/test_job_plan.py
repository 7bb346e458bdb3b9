"""The job's plan is pure: config in, source options and rendered statements out, nothing unfilled."""

from __future__ import annotations

import pytest

from flink_app.config import LOCAL_PROPERTIES, load_config
from flink_app.job import INSERTS, SINKS, VIEWS, ViewingSessionsStep, flink_settings, plan, source_options
from flink_app.sql_templates import SQL_DIR, render, sql_literal, statement_names

BENCH_ONLY = {"scan_sink", "insert_scan", "json_scan_source", "insert_json_scan"}
METRICS = {"play_start_metrics_sink", "insert_play_start_metrics"}


def test_every_sql_file_is_used():
    used = {*VIEWS, *SINKS, *INSERTS, *BENCH_ONLY, *METRICS}
    assert used == set(statement_names())


def test_plan_renders_every_statement_without_placeholders(tmp_path):
    config = load_config(LOCAL_PROPERTIES).with_overrides(lake_root=str(tmp_path / "it's a lake"))
    job_plan = plan(config)
    statements = [s for s in job_plan.ddl if isinstance(s, str)]
    assert len(statements) == len(VIEWS) + len(SINKS) and len(job_plan.inserts) == len(INSERTS)
    for statement in statements + list(job_plan.inserts):
        assert "{{" not in statement and "{%" not in statement
    # a quote in a path is escaped, not able to end the literal
    assert any("it''s a lake/raw" in s for s in statements)


def test_every_zone_compacts_the_files_of_a_checkpoint_unless_told_not_to(tmp_path):
    config = load_config(LOCAL_PROPERTIES).with_overrides(lake_root=str(tmp_path))
    sinks = [s for s in plan(config).ddl if isinstance(s, str) and "'connector' = 'filesystem'" in s]
    assert len(sinks) == len(SINKS)
    for sink in sinks:
        assert "'auto-compaction' = 'true'" in sink and "'compaction.file-size' = '128mb'" in sink
    uncompacted = plan(config.with_overrides(compaction_file_size_mb=0)).ddl
    sinks = [s for s in uncompacted if isinstance(s, str) and "'connector' = 'filesystem'" in s]
    assert len(sinks) == len(SINKS) and not any("compaction" in s for s in sinks)


def test_source_gets_the_event_time_rules():
    config = load_config(LOCAL_PROPERTIES).with_overrides(watermark_out_of_orderness_ms=2500, max_future_skew_ms=60_000)
    options = plan(config).source_options
    assert options["watermark.out-of-orderness.ms"] == "2500" and options["max-future-skew.ms"] == "60000"
    assert options["source.idle-timeout.ms"] == str(config.source_idle_timeout_ms)


def test_kinesis_source_reads_the_stream_named_in_the_arn():
    config = load_config(LOCAL_PROPERTIES).with_overrides(source_aws_endpoint="http://127.0.0.1:1",
                                                           alignment_max_drift_ms=120_000, shard_sync_interval_ms=500)
    options = source_options(config)
    assert options["stream.name"] == "streamwatch-events" and options["kinesis.aws.endpoint"] == "http://127.0.0.1:1"
    assert options["source.alignment.max-drift.ms"] == "120000" and options["source.sync.interval.ms"] == "500"
    assert options["kinesis.flink.stream.initpos"] == "TRIM_HORIZON"
    assert "kinesis.aws.endpoint" not in source_options(load_config(LOCAL_PROPERTIES))
    assert "kinesis.aws.credentials.provider" not in source_options(load_config(LOCAL_PROPERTIES))


def test_a_file_replay_says_what_its_lines_hold(tmp_path):
    config = load_config(LOCAL_PROPERTIES).with_overrides(source_type="file", source_input_path=str(tmp_path / "in"),
                                                           source_replay_format="raw-zone")
    assert source_options(config)["replay.format"] == "raw-zone"
    assert "source.alignment.max-drift.ms" not in source_options(config)


def test_the_viewing_step_gets_the_gap_the_cap_and_the_grace_right_after_the_valid_events():
    config = load_config(LOCAL_PROPERTIES).with_overrides(session_gap_minutes=20, watch_cap_ms=90_000,
                                                           dedup_grace_ms=30_000)
    ddl = plan(config).ddl
    steps = [s for s in ddl if isinstance(s, ViewingSessionsStep)]
    assert steps == [ViewingSessionsStep("valid_events", "watched_events", "late_events", "closed_sessions",
                                         20 * 60_000, 90_000, 30_000)]
    position = ddl.index(steps[0])
    assert "create temporary view valid_events" in ddl[position - 1]
    produced = ("watched_events", "late_events", "closed_sessions")
    assert all(view not in s for s in ddl[:position] if isinstance(s, str) for view in produced)
    inserts = plan(config).inserts
    for view in produced:
        assert any(view in s for s in list(ddl[position:]) + list(inserts) if isinstance(s, str)), view


def test_the_max_parallelism_is_set_so_a_restore_can_scale_out():
    config = load_config(LOCAL_PROPERTIES).with_overrides(max_parallelism=2048)
    assert flink_settings(config)["pipeline.max-parallelism"] == "2048"


def test_sql_literal_escapes_quotes():
    assert sql_literal("o'neil") == "'o''neil'"


def test_sql_files_have_a_header_comment():
    for path in SQL_DIR.glob("*.sql"):
        assert path.read_text().startswith("-- "), path.name
    assert render("valid_events").startswith("-- ")


def test_bench_variants(tmp_path):
    config = load_config(LOCAL_PROPERTIES).with_overrides(source_type="file", source_input_path=str(tmp_path / "in.jsonl"))
    parse_scan, json_scan = plan(config, "parse-scan"), plan(config, "json-scan")
    assert parse_scan.source_options == plan(config).source_options and "scan_sink" in parse_scan.inserts[0]
    assert json_scan.source_options is None and "'format' = 'json'" in json_scan.ddl[0]
    with pytest.raises(ValueError, match="unknown job variant"):
        plan(config, "fastest")
