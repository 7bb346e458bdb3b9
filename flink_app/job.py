"""The streaming job: configuration in, Flink SQL statements out, one statement set executed.

``plan`` is pure (config -> ordered DDL and INSERT statements) so it can be inspected and tested
without a JVM; ``create_table_environment`` and ``execute`` are the only parts that touch Flink.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from flink_app.config import JobConfig
from flink_app.sql_templates import render

if TYPE_CHECKING:  # pragma: no cover - imported lazily so the CLI starts without a JVM
    from pyflink.table import TableEnvironment, TableResult

# Views in dependency order; each file creates the view of the same name.
VIEWS = (
    "event_fields",
    "parsed_events",
    "unique_events",
    "ontime_events",
    "late_events",
    "watched_events",
    "playback_events",
)
SINKS = {
    "raw_sink": "raw",
    "dlq_sink": "dlq",
    "late_sink": "late",
    "sessions_sink": "processed/sessions",
    "title_watch_5m_sink": "processed/title_watch_5m",
}
INSERTS = ("insert_raw", "insert_dlq", "insert_late", "insert_sessions", "insert_title_watch_5m")

# Limits of the contract's validation (DESIGN §3); a Kinesis record is at most 1 MiB.
MAX_RECORD_CHARS = 1_048_576
MAX_ID_CHARS = 256
MAX_TEXT_CHARS = 2048


@dataclasses.dataclass(frozen=True)
class JobPlan:
    """Everything the job executes, in order."""

    ddl: tuple[str, ...]
    inserts: tuple[str, ...]


def flink_uri(location: str) -> str:
    """A location as Flink reads it: URIs (s3://…) kept, local paths made absolute ``file://``.
    Flink's Path encodes the string itself, so it gets the plain path, not a percent-encoded URI."""
    return location if "://" in location else "file://" + str(Path(location).resolve())


def zone_uri(lake_root: str, zone: str) -> str:
    """``<lake>/<zone>`` as a URI Flink understands."""
    return flink_uri(lake_root).rstrip("/") + "/" + zone


def source_options(config: JobConfig) -> dict[str, str]:
    """Connector options of the events source for the configured source type."""
    source = config.source
    if source.type == "file":
        return {
            "connector": "filesystem",
            "path": flink_uri(source.input_path),
            "format": "raw",
        }
    options = {
        "connector": "kinesis",
        "stream": source.stream_name,
        "aws.region": source.aws_region,
        "scan.stream.initpos": source.initial_position,
        "format": "raw",
    }
    if source.aws_endpoint:
        # A local endpoint (moto) takes any static credentials; AWS uses the application's role.
        options.update(
            {
                "aws.endpoint": source.aws_endpoint,
                "aws.credentials.provider": "BASIC",
                "aws.credentials.basic.accesskeyid": "testing",
                "aws.credentials.basic.secretkey": "testing",
                "aws.trust.all.certificates": "true",
                "scan.shard.getrecords.intervalmillis": "200",
                # a local endpoint answers an occasional 500 under load; retry rather than fail
                "scan.shard.getrecords.maxretries": "10",
                "scan.shard.discovery.intervalmillis": "2000",
            }
        )
    return options


def file_sink_options(config: JobConfig) -> dict[str, str]:
    """Rolling and commit options shared by every file sink."""
    return {
        "sink.rolling-policy.rollover-interval": f"{max(config.checkpoint_interval_ms, 60_000)} ms",
        "sink.rolling-policy.check-interval": "10 s",
        "sink.partition-commit.policy.kind": "success-file",
    }


SCAN_ONLY_VIEWS = ("event_fields", "parsed_events")


def plan(config: JobConfig, scan_only: bool = False) -> JobPlan:
    """The ordered statements of the job for ``config``: source, views, sinks, then inserts.

    ``scan_only`` is the benchmark's baseline: the same source, parsing and validation, into a
    blackhole sink.
    """
    ddl = [
        render("function_json_field_tokens"),
        render("function_json_field_values"),
        render(
            "events_source",
            connector_options=source_options(config),
            # One millisecond more than the allowed out-of-orderness: an event exactly that far
            # behind the newest one is still on time, one millisecond more is late (DESIGN §4).
            watermark_delay_seconds=f"{(config.watermark_out_of_orderness_ms + 1) / 1000:.3f}",
        )
    ]
    view_parameters = {
        "skip_blank_records": config.source.type == "file",
        "max_record_chars": MAX_RECORD_CHARS,
        "max_id_chars": MAX_ID_CHARS,
        "max_text_chars": MAX_TEXT_CHARS,
        "watch_cap_ms": config.watch_cap_ms,
        "session_gap_minutes": config.session_gap_minutes,
    }
    if scan_only:
        ddl.extend(render(view, **view_parameters) for view in SCAN_ONLY_VIEWS)
        ddl.append(render("scan_sink"))
        return JobPlan(ddl=tuple(ddl), inserts=(render("insert_scan"),))
    ddl.extend(render(view, **view_parameters) for view in VIEWS)
    sink_options = file_sink_options(config)
    ddl.extend(
        render(sink, path=zone_uri(config.lake_root, zone), file_options=sink_options)
        for sink, zone in SINKS.items()
    )
    inserts = tuple(render(name, **view_parameters) for name in INSERTS)
    return JobPlan(ddl=tuple(ddl), inserts=inserts)


def flink_settings(config: JobConfig) -> dict[str, str]:
    """Flink configuration of the job (checkpointing on, so the file sinks commit exactly once)."""
    settings = {
        "pipeline.name": "streamwatch-sessions",
        "table.local-time-zone": "UTC",
        "execution.checkpointing.interval": f"{config.checkpoint_interval_ms} ms",
        "execution.checkpointing.mode": "EXACTLY_ONCE",
        "table.exec.state.ttl": f"{config.dedup_state_ttl_ms} ms",
        "table.exec.source.idle-timeout": f"{config.source_idle_timeout_ms} ms",
        "table.exec.sink.upsert-materialize": "NONE",
        # Every INSERT reads the same views; without this the planner optimises each INSERT's tree
        # on its own and inlines the parsing, validation and dedup into each of them (4x the
        # parsing work, two dedup states). With it, a view used by several INSERTs is one shared
        # block of the plan, computed once.
        "table.optimizer.reuse-optimize-block-with-digest-enabled": "true",
    }
    if config.parallelism is not None:
        settings["parallelism.default"] = str(config.parallelism)
    return settings


def create_table_environment(config: JobConfig, extra_settings: dict[str, str] | None = None) -> "TableEnvironment":
    """A streaming TableEnvironment configured for the job."""
    from pyflink.table import EnvironmentSettings, TableEnvironment

    table_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
    configuration = table_env.get_config()
    for key, value in {**flink_settings(config), **(extra_settings or {})}.items():
        configuration.set(key, value)
    return table_env


def execute(table_env: "TableEnvironment", job_plan: JobPlan) -> "TableResult":
    """Create the tables and views, then submit every INSERT as one job."""
    for statement in job_plan.ddl:
        table_env.execute_sql(statement)
    statement_set = table_env.create_statement_set()
    for statement in job_plan.inserts:
        statement_set.add_insert_sql(statement)
    return statement_set.execute()
