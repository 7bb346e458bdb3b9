"""The streaming job: configuration in, a source and Flink SQL statements out, one statement set.

``plan`` is pure (config -> source options, ordered DDL and INSERT statements) so it can be
inspected and tested without a JVM; ``create_environment`` and ``execute`` are the only parts that
touch Flink. The source is the jar's ``io.streamwatch.flink.EventSource``: it reads Kinesis (or a
replay), validates each record once, and gives event-time watermarks that only valid events move,
per shard. The jar's ``ViewingSessions`` then does per viewing key what needs ordered state
(redeliveries, the late split, watched time, sessions); everything else is the SQL of
``flink_app/sql``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from flink_app.config import JobConfig
from flink_app.sql_templates import render

if TYPE_CHECKING:  # pragma: no cover - imported lazily so the CLI starts without a JVM
    from pyflink.datastream import StreamExecutionEnvironment
    from pyflink.table import StreamTableEnvironment, TableResult

SOURCE_VIEW = "events_source"
SOURCE_CLASS = "io.streamwatch.flink.EventSource"
VIEWING_SESSIONS_CLASS = "io.streamwatch.flink.sessions.ViewingSessions"

# Views in dependency order; each file creates the view of the same name (watched_events,
# late_events and closed_sessions come from the jar: ViewingSessionsStep, after valid_events).
VIEWS = (
    "valid_events",
    "title_windows",
    "title_window_times",
    "play_start_windows",
    "play_start_minutes",
)
SINKS = {
    "raw_sink": "raw",
    "dlq_sink": "dlq",
    "late_sink": "late",
    "sessions_sink": "processed/sessions",
    "title_watch_5m_sink": "processed/title_watch_5m",
    "stream_progress_sink": "processed/stream_progress",
    "play_starts_1m_sink": "processed/play_starts_1m",
}
INSERTS = ("insert_raw", "insert_dlq", "insert_late", "insert_sessions", "insert_title_watch_5m",
           "insert_stream_progress", "insert_play_starts_1m")
# CloudWatch metrics, when enabled in the 'metrics' property group.
METRICS_SINK, METRICS_INSERT = "play_start_metrics_sink", "insert_play_start_metrics"

# What `streamwatch bench` runs besides the full job: the job's own source into a blackhole, and
# Flink's built-in json format reading the same file into a blackhole (the baseline).
VARIANTS = ("full", "parse-scan", "json-scan")


@dataclasses.dataclass(frozen=True)
class ViewingSessionsStep:
    """The jar's keyed ViewingSessions over ``view`` (valid events), registering three views: the
    on-time playback events of a title with their watched_ms (``watched_view``), the late events
    (``late_view``) and the closed sessions (``sessions_view``)."""

    view: str
    watched_view: str
    late_view: str
    sessions_view: str
    gap_ms: int
    cap_ms: int
    dedup_grace_ms: int


@dataclasses.dataclass(frozen=True)
class JobPlan:
    """Everything the job executes, in order: the source (None for the json-scan baseline), then
    DDL (with the step from the jar between views), then the INSERTs of one statement set."""

    source_options: dict[str, str] | None
    ddl: tuple[str | ViewingSessionsStep, ...]
    inserts: tuple[str, ...]


def viewing_sessions(config: JobConfig) -> ViewingSessionsStep:
    return ViewingSessionsStep(
        view="valid_events", watched_view="watched_events", late_view="late_events",
        sessions_view="closed_sessions", gap_ms=config.session_gap_minutes * 60_000,
        cap_ms=config.watch_cap_ms, dedup_grace_ms=config.dedup_grace_ms,
    )


@dataclasses.dataclass(frozen=True)
class JobEnvironment:
    stream_env: "StreamExecutionEnvironment"
    table_env: "StreamTableEnvironment"


def flink_uri(location: str) -> str:
    """A location as Flink reads it: URIs (s3://…) kept, local paths made absolute ``file://``.
    Flink's Path encodes the string itself, so it gets the plain path, not a percent-encoded URI."""
    return location if "://" in location else "file://" + str(Path(location).resolve())


def zone_uri(lake_root: str, zone: str) -> str:
    """``<lake>/<zone>`` as a URI Flink understands."""
    return flink_uri(lake_root).rstrip("/") + "/" + zone


def source_options(config: JobConfig) -> dict[str, str]:
    """Options of the jar's event source (see EventSource.java): the input, the event-time rules,
    and for Kinesis the FlinkKinesisConsumer's own properties under ``kinesis.``."""
    source = config.source
    options = {
        "source.type": source.type,
        "watermark.out-of-orderness.ms": str(config.watermark_out_of_orderness_ms),
        "max-future-skew.ms": str(config.max_future_skew_ms),
        "source.idle-timeout.ms": str(config.source_idle_timeout_ms),
    }
    if source.type == "file":
        options["input.path"] = flink_uri(source.input_path)
        options["replay.format"] = source.replay_format
        return options
    options["stream.name"] = source.stream_name
    options["source.alignment.max-drift.ms"] = str(config.alignment_max_drift_ms)
    options["source.sync.interval.ms"] = str(config.shard_sync_interval_ms)
    consumer = {
        "aws.region": source.aws_region,
        "flink.stream.initpos": source.initial_position,
    }
    if source.initial_timestamp is not None:
        # epoch seconds: the connector reads a number when the text is not in its date format
        consumer["flink.stream.initpos.timestamp"] = f"{source.initial_timestamp.timestamp():.3f}"
    if source.aws_endpoint:
        # A local endpoint (moto) takes any static credentials; AWS uses the application's role.
        consumer.update(
            {
                "aws.endpoint": source.aws_endpoint,
                "aws.credentials.provider": "BASIC",
                "aws.credentials.provider.basic.accesskeyid": "testing",
                "aws.credentials.provider.basic.secretkey": "testing",
                "aws.trust.all.certificates": "true",
                "flink.shard.getrecords.intervalmillis": "200",
                # a local endpoint answers an occasional 500 under load; retry rather than fail
                "flink.shard.getrecords.maxretries": "10",
                "flink.shard.discovery.intervalmillis": "2000",
            }
        )
    consumer.update(dict(source.consumer_properties))  # the operator's own tuning of the connector wins
    options.update({f"kinesis.{key}": value for key, value in consumer.items()})
    return options


def file_sink_options(config: JobConfig) -> dict[str, str]:
    """Options shared by every file sink. All zones are Parquet, which Flink rolls and commits at
    every checkpoint; a partition gets its _SUCCESS marker when a checkpoint commits into it.

    With compaction (the default) the files all tasks wrote into a partition within one checkpoint
    are merged into files of up to ``compaction_file_size_mb`` before they become visible: a
    partition gets about one object per checkpoint whatever the parallelism, instead of one per
    task. Flink never merges across checkpoints, and the files it has not yet merged are hidden
    (dot-prefixed), so every reader that skips hidden files sees each row once."""
    options = {"sink.partition-commit.policy.kind": "success-file"}
    if config.compaction_file_size_mb:
        options.update({"auto-compaction": "true", "compaction.file-size": f"{config.compaction_file_size_mb}mb"})
    return options


def plan(config: JobConfig, variant: str = "full") -> JobPlan:
    """The ordered statements of the job for ``config``; ``variant`` is one of VARIANTS."""
    if variant == "json-scan":
        if config.source.type != "file":
            raise ValueError("the json-scan baseline reads a file: configure source.type 'file'")
        ddl = (render("json_scan_source", path=flink_uri(config.source.input_path)), render("scan_sink"))
        return JobPlan(source_options=None, ddl=ddl, inserts=(render("insert_json_scan"),))
    if variant == "parse-scan":
        return JobPlan(source_options=source_options(config), ddl=(render("scan_sink"),),
                       inserts=(render("insert_scan"),))
    if variant != "full":
        raise ValueError(f"unknown job variant {variant!r}; expected one of {', '.join(VARIANTS)}")
    view_parameters = {"watch_cap_ms": config.watch_cap_ms, "session_gap_minutes": config.session_gap_minutes}
    sink_options = file_sink_options(config)
    step = viewing_sessions(config)
    ddl: list[str | ViewingSessionsStep] = []
    for view in VIEWS:
        ddl.append(render(view, **view_parameters))
        if view == step.view:
            ddl.append(step)
    ddl.extend(
        render(sink, path=zone_uri(config.lake_root, zone), file_options=sink_options)
        for sink, zone in SINKS.items()
    )
    inserts = tuple(render(name, **view_parameters) for name in INSERTS)
    if config.metrics.enabled:
        ddl.append(render(METRICS_SINK, connection=metrics_connection(config)))
        inserts += (render(METRICS_INSERT),)
    return JobPlan(source_options=source_options(config), ddl=tuple(ddl), inserts=inserts)


def metrics_connection(config: JobConfig) -> dict[str, str]:
    """Where the CloudWatch sink sends: namespace, region, the Application dimension, and a
    local endpoint (with the static credentials any moto server takes) when configured."""
    metrics = config.metrics
    options = {
        "namespace": metrics.namespace,
        "region": metrics.region,
        "static-dimensions": f"Application={metrics.application}",
    }
    if metrics.endpoint:
        options.update({"endpoint": metrics.endpoint, "aws.access-key-id": "testing",
                        "aws.secret-access-key": "testing"})
    return options


def flink_settings(config: JobConfig) -> dict[str, str]:
    """Flink configuration of the job (checkpointing on, so the file sinks commit exactly once)."""
    settings = {
        "pipeline.name": "streamwatch-sessions",
        "table.local-time-zone": "UTC",
        "execution.checkpointing.interval": f"{config.checkpoint_interval_ms} ms",
        "execution.checkpointing.mode": "EXACTLY_ONCE",
        # Fixed for the life of the job's state: a restore may raise the parallelism up to it.
        "pipeline.max-parallelism": str(config.max_parallelism),
        "table.exec.sink.upsert-materialize": "NONE",
        # SQL operators never hold on to an input row they did not copy: chained operators can
        # pass rows on without copying each one (measured: about 2x on the full job, make bench).
        "pipeline.object-reuse": "true",
        # Every INSERT reads the same views; without this the planner optimises each INSERT's tree
        # on its own and repeats the shared steps (the source, the title windows) in each of them.
        # With it, a view used by several INSERTs is one shared block of the plan, computed once.
        "table.optimizer.reuse-optimize-block-with-digest-enabled": "true",
    }
    if config.parallelism is not None:
        settings["parallelism.default"] = str(config.parallelism)
    return settings


def create_environment(config: JobConfig, extra_settings: dict[str, str] | None = None) -> JobEnvironment:
    """A streaming execution and table environment configured for the job."""
    from pyflink.common import Configuration
    from pyflink.datastream import StreamExecutionEnvironment
    from pyflink.table import EnvironmentSettings, StreamTableEnvironment

    settings = {**flink_settings(config), **(extra_settings or {})}
    configuration = Configuration()
    for key, value in settings.items():
        configuration.set_string(key, value)
    stream_env = StreamExecutionEnvironment.get_execution_environment(configuration)
    table_env = StreamTableEnvironment.create(stream_env, EnvironmentSettings.in_streaming_mode())
    for key, value in settings.items():
        table_env.get_config().set(key, value)
    return JobEnvironment(stream_env=stream_env, table_env=table_env)


def register_source(environment: JobEnvironment, options: dict[str, str]) -> None:
    """Create the ``events_source`` view from the jar's EventSource."""
    java_options = _java_class("java.util.HashMap")()
    for key, value in options.items():
        java_options.put(key, value)
    _java_class(SOURCE_CLASS).createTemporaryView(
        environment.table_env._j_tenv, environment.stream_env._j_stream_execution_environment, SOURCE_VIEW,
        java_options,
    )


def _java_class(name: str):
    from pyflink.java_gateway import get_gateway

    java_class = get_gateway().jvm
    for part in name.split("."):
        java_class = getattr(java_class, part)
    return java_class


def register_viewing_sessions(environment: JobEnvironment, step: ViewingSessionsStep) -> None:
    """Register the views of the jar's ViewingSessions over ``step.view``."""
    _java_class(VIEWING_SESSIONS_CLASS).register(
        environment.table_env._j_tenv, step.view, step.watched_view, step.late_view, step.sessions_view,
        step.gap_ms, step.cap_ms, step.dedup_grace_ms,
    )


def execute(environment: JobEnvironment, job_plan: JobPlan) -> "TableResult":
    """Register the source, create the views and sinks, then submit every INSERT as one job."""
    if job_plan.source_options is not None:
        register_source(environment, job_plan.source_options)
    table_env = environment.table_env
    for statement in job_plan.ddl:
        if isinstance(statement, ViewingSessionsStep):
            register_viewing_sessions(environment, statement)
        else:
            table_env.execute_sql(statement)
    statement_set = table_env.create_statement_set()
    for statement in job_plan.inserts:
        statement_set.add_insert_sql(statement)
    return statement_set.execute()
