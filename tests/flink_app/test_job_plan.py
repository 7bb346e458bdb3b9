"""The job's plan is pure: config in, rendered statements out, nothing left unfilled."""

from __future__ import annotations

import re

from flink_app.config import LOCAL_PROPERTIES, load_config
from flink_app.job import INSERTS, SINKS, VIEWS, plan, source_options
from flink_app.sql_templates import SQL_DIR, render, sql_literal, statement_names


def test_every_sql_file_is_used_once():
    used = {"function_json_field_tokens", "function_json_field_values", "events_source", *VIEWS, *SINKS, *INSERTS, "scan_sink", "insert_scan"}
    assert used == set(statement_names())


def test_plan_renders_every_statement_without_placeholders(tmp_path):
    config = load_config(LOCAL_PROPERTIES).with_overrides(lake_root=str(tmp_path / "it's a lake"))
    job_plan = plan(config)
    assert len(job_plan.ddl) == 3 + len(VIEWS) + len(SINKS) and len(job_plan.inserts) == len(INSERTS)
    for statement in job_plan.ddl + job_plan.inserts:
        assert "{{" not in statement and "{%" not in statement
    # a quote in a path is escaped, not able to end the literal
    assert any("it''s a lake/raw" in s for s in job_plan.ddl)


def test_watermark_is_one_millisecond_past_the_allowed_out_of_orderness():
    config = load_config(LOCAL_PROPERTIES).with_overrides(watermark_out_of_orderness_ms=2500)
    source = plan(config).ddl[2]
    assert re.search(r"watermark for event_time as event_time - interval '2\.501' second", source)


def test_kinesis_source_reads_the_stream_named_in_the_arn():
    config = load_config(LOCAL_PROPERTIES).with_overrides(source_aws_endpoint="http://127.0.0.1:1")
    options = source_options(config)
    assert options["stream"] == "streamwatch-events" and options["aws.endpoint"] == "http://127.0.0.1:1"
    assert "aws.endpoint" not in source_options(load_config(LOCAL_PROPERTIES))


def test_sql_literal_escapes_quotes():
    assert sql_literal("o'neil") == "'o''neil'"


def test_sql_files_have_a_header_comment():
    for path in SQL_DIR.glob("*.sql"):
        assert path.read_text().startswith("-- "), path.name
    assert render("playback_events").startswith("-- ")


def test_scan_only_plan_shares_source_and_parsing():
    config = load_config(LOCAL_PROPERTIES)
    full, scan = plan(config), plan(config, scan_only=True)
    assert scan.ddl[:5] == full.ddl[:5]  # functions, source, event_fields, parsed_events
    assert len(scan.inserts) == 1 and "scan_sink" in scan.inserts[0]
