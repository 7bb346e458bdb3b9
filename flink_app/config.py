"""The job's configuration: Managed Flink property groups parsed once into a frozen dataclass.

On Managed Service for Apache Flink the properties come from
``/etc/flink/application_properties.json``; elsewhere from the committed local copy beside this
file (or a path given explicitly). Every problem names the property group and key to fix.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from pathlib import Path
from typing import Any, Mapping

MANAGED_FLINK_PROPERTIES = Path("/etc/flink/application_properties.json")
LOCAL_PROPERTIES = Path(__file__).with_name("application_properties.json")

SOURCE_TYPES = ("kinesis", "file")
INITIAL_POSITIONS = ("TRIM_HORIZON", "LATEST", "AT_TIMESTAMP")
# What a file replay holds: records as clients sent them, or a raw zone staged with each record's
# arrival, shard and sequence number (streamwatch/local/replay_input.py).
REPLAY_FORMATS = ("jsonl", "raw-zone")
MAX_PARALLELISM_LIMIT = 32_768  # Flink's upper bound for pipeline.max-parallelism
# Keys of the source group with this prefix go to the Kinesis connector's consumer as they are
# (e.g. consumer.flink.shard.getrecords.maxrecordcount): its own tuning, which the job does not interpret.
CONSUMER_PREFIX = "consumer."

_KNOWN_KEYS: dict[str, tuple[str, ...]] = {
    "source": ("type", "stream.arn", "aws.region", "aws.endpoint", "initial.position", "initial.timestamp", "input.path",
               "replay.format"),
    "lake": ("root", "compaction.file-size.mb"),
    "processing": (
        "watermark.out-of-orderness.ms",
        "max-future-skew.ms",
        "dedup.grace.ms",
        "source.idle-timeout.ms",
        "source.alignment.max-drift.ms",
        "source.sync.interval.ms",
        "session.gap.minutes",
        "watch.cap.ms",
        "checkpoint.interval.ms",
        "parallelism",
        "max-parallelism",
    ),
    "metrics": ("cloudwatch.enabled", "cloudwatch.namespace", "cloudwatch.application", "cloudwatch.region",
                "cloudwatch.endpoint"),
}


class ConfigError(ValueError):
    """A property is missing or wrong; the message says which one and what is expected."""


@dataclasses.dataclass(frozen=True)
class SourceConfig:
    type: str
    stream_arn: str | None = None
    aws_region: str | None = None
    aws_endpoint: str | None = None
    initial_position: str = "TRIM_HORIZON"
    # where AT_TIMESTAMP starts: an ISO-8601 instant with its zone, as the template's InitialTimestamp
    initial_timestamp: datetime.datetime | None = None
    input_path: str | None = None
    replay_format: str = "jsonl"
    # (property, value) pairs for the Kinesis connector's consumer, without the "consumer." prefix
    consumer_properties: tuple[tuple[str, str], ...] = ()

    @property
    def stream_name(self) -> str:
        """The stream name inside ``arn:aws:kinesis:<region>:<account>:stream/<name>``."""
        assert self.stream_arn is not None
        return self.stream_arn.split(":stream/", 1)[1]


@dataclasses.dataclass(frozen=True)
class MetricsConfig:
    """CloudWatch metrics of the job (play starts per minute); off unless enabled."""

    enabled: bool = False
    namespace: str = "Streamwatch"
    application: str = "streamwatch-local"  # the Application dimension
    region: str | None = None
    endpoint: str | None = None  # a local CloudWatch (moto); AWS's otherwise


@dataclasses.dataclass(frozen=True)
class JobConfig:
    source: SourceConfig
    lake_root: str
    watermark_out_of_orderness_ms: int = 5000
    max_future_skew_ms: int = 900_000
    # an event_id is remembered until the watermark has passed its event time by this much
    dedup_grace_ms: int = 60_000
    source_idle_timeout_ms: int = 30_000
    # a shard whose own watermark is this far ahead of the job's waits (0: never)
    alignment_max_drift_ms: int = 60_000
    # how often the source subtasks exchange their event time through the JobManager
    shard_sync_interval_ms: int = 1_000
    session_gap_minutes: int = 30
    watch_cap_ms: int = 120_000
    checkpoint_interval_ms: int = 10_000
    # the files each sink writes within one checkpoint are merged, per partition, into files of up
    # to this size before they become visible (0: no compaction, one file per task and checkpoint)
    compaction_file_size_mb: int = 128
    parallelism: int | None = None
    # the most subtasks a restore of the job's state may ever use (fixed when the state is first written)
    max_parallelism: int = 512
    metrics: MetricsConfig = MetricsConfig()

    def with_overrides(self, **changes: Any) -> "JobConfig":
        """A copy with top-level fields, ``source_<field>`` or ``metrics_<field>`` replaced, validated again."""
        source_changes = {k[len("source_"):]: v for k, v in changes.items() if k.startswith("source_")}
        metrics_changes = {k[len("metrics_"):]: v for k, v in changes.items() if k.startswith("metrics_")}
        top = {k: v for k, v in changes.items() if not k.startswith(("source_", "metrics_"))}
        source = dataclasses.replace(self.source, **source_changes)
        metrics = dataclasses.replace(self.metrics, **metrics_changes)
        config = dataclasses.replace(self, source=source, metrics=metrics, **top)
        _validate(config)
        return config


def default_properties_path() -> Path:
    """Managed Flink's file when it exists, else the committed local copy."""
    return MANAGED_FLINK_PROPERTIES if MANAGED_FLINK_PROPERTIES.exists() else LOCAL_PROPERTIES


def load_config(path: Path | str | None = None) -> JobConfig:
    """Read and validate the property groups of ``path`` (default: see default_properties_path)."""
    path = Path(path) if path is not None else default_properties_path()
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: properties file not found") from None
    except json.JSONDecodeError as error:
        raise ConfigError(f"{path}: not valid JSON ({error})") from None
    return parse_property_groups(document, origin=str(path))


def parse_property_groups(document: Any, origin: str = "<properties>") -> JobConfig:
    """Turn Managed Flink's ``[{"PropertyGroupId": ..., "PropertyMap": {...}}]`` into a JobConfig."""
    groups = _groups(document, origin)
    for group_id, known in _KNOWN_KEYS.items():
        for key in groups.get(group_id, {}):
            if group_id == "source" and key.startswith(CONSUMER_PREFIX) and len(key) > len(CONSUMER_PREFIX):
                continue
            if key not in known:
                raise ConfigError(
                    f"{origin}: unknown key '{key}' in property group '{group_id}'"
                    f" (known keys: {', '.join(known)})"
                )
    source_map = _required_group(groups, "source", origin)
    lake_map = _required_group(groups, "lake", origin)
    processing = groups.get("processing", {})
    metrics_map = groups.get("metrics", {})
    enabled = metrics_map.get("cloudwatch.enabled", "false").strip().lower()
    if enabled not in ("true", "false"):
        raise ConfigError(f"{origin}: key 'cloudwatch.enabled' in property group 'metrics' must be true or false, got {enabled!r}")
    metrics = MetricsConfig(
        enabled=enabled == "true",
        namespace=metrics_map.get("cloudwatch.namespace", MetricsConfig.namespace),
        application=metrics_map.get("cloudwatch.application", MetricsConfig.application),
        region=metrics_map.get("cloudwatch.region") or source_map.get("aws.region"),
        endpoint=metrics_map.get("cloudwatch.endpoint") or None,
    )

    source = SourceConfig(
        type=_required(source_map, "source", "type", origin),
        stream_arn=source_map.get("stream.arn"),
        aws_region=source_map.get("aws.region"),
        aws_endpoint=source_map.get("aws.endpoint") or None,
        initial_position=source_map.get("initial.position", "TRIM_HORIZON"),
        initial_timestamp=_instant(source_map, "source", "initial.timestamp", origin),
        input_path=source_map.get("input.path"),
        replay_format=source_map.get("replay.format", "jsonl"),
        consumer_properties=tuple(sorted((key[len(CONSUMER_PREFIX):], value) for key, value in source_map.items()
                                         if key.startswith(CONSUMER_PREFIX))),
    )
    defaults = JobConfig(source=source, lake_root="")
    config = JobConfig(
        source=source,
        lake_root=_required(lake_map, "lake", "root", origin),
        watermark_out_of_orderness_ms=_integer(processing, "watermark.out-of-orderness.ms", defaults.watermark_out_of_orderness_ms, origin),
        max_future_skew_ms=_integer(processing, "max-future-skew.ms", defaults.max_future_skew_ms, origin),
        dedup_grace_ms=_integer(processing, "dedup.grace.ms", defaults.dedup_grace_ms, origin),
        source_idle_timeout_ms=_integer(processing, "source.idle-timeout.ms", defaults.source_idle_timeout_ms, origin),
        alignment_max_drift_ms=_integer(processing, "source.alignment.max-drift.ms",
                                        defaults.alignment_max_drift_ms, origin),
        shard_sync_interval_ms=_integer(processing, "source.sync.interval.ms", defaults.shard_sync_interval_ms,
                                         origin),
        session_gap_minutes=_integer(processing, "session.gap.minutes", defaults.session_gap_minutes, origin),
        watch_cap_ms=_integer(processing, "watch.cap.ms", defaults.watch_cap_ms, origin),
        checkpoint_interval_ms=_integer(processing, "checkpoint.interval.ms", defaults.checkpoint_interval_ms, origin),
        compaction_file_size_mb=_integer(lake_map, "compaction.file-size.mb", defaults.compaction_file_size_mb, origin,
                                         group_id="lake"),
        parallelism=_integer(processing, "parallelism", None, origin),
        max_parallelism=_integer(processing, "max-parallelism", defaults.max_parallelism, origin),
        metrics=metrics,
    )
    _validate(config, origin)
    return config


def _groups(document: Any, origin: str) -> dict[str, dict[str, str]]:
    if not isinstance(document, list):
        raise ConfigError(f"{origin}: expected a JSON list of property groups")
    groups: dict[str, dict[str, str]] = {}
    for index, group in enumerate(document):
        if not isinstance(group, Mapping) or "PropertyGroupId" not in group:
            raise ConfigError(f"{origin}: property group #{index} has no 'PropertyGroupId'")
        property_map = group.get("PropertyMap", {})
        if not isinstance(property_map, Mapping):
            raise ConfigError(f"{origin}: 'PropertyMap' of group '{group['PropertyGroupId']}' must be an object")
        groups[str(group["PropertyGroupId"])] = {str(k): str(v) for k, v in property_map.items()}
    return groups


def _required_group(groups: dict[str, dict[str, str]], group_id: str, origin: str) -> dict[str, str]:
    if group_id not in groups:
        raise ConfigError(f"{origin}: missing property group '{group_id}'")
    return groups[group_id]


def _required(values: Mapping[str, str], group_id: str, key: str, origin: str) -> str:
    value = values.get(key, "").strip()
    if not value:
        raise ConfigError(f"{origin}: missing key '{key}' in property group '{group_id}'")
    return value


def _instant(values: Mapping[str, str], group_id: str, key: str, origin: str) -> datetime.datetime | None:
    """An ISO-8601 instant that names its zone (Z or an offset), as UTC; None when the key is absent."""
    if key not in values:
        return None
    text = values[key].strip()
    try:
        instant = datetime.datetime.fromisoformat(text)
    except ValueError:
        instant = None
    if instant is None or instant.tzinfo is None:
        raise ConfigError(f"{origin}: key '{key}' in property group '{group_id}' must be an ISO-8601 instant with "
                          f"its zone, such as 2026-03-09T18:30:00Z, got {values[key]!r}")
    return instant.astimezone(datetime.timezone.utc)


def _integer(values: Mapping[str, str], key: str, default: int | None, origin: str,
             group_id: str = "processing") -> int | None:
    if key not in values:
        return default
    try:
        return int(values[key])
    except ValueError:
        raise ConfigError(
            f"{origin}: key '{key}' in property group '{group_id}' must be an integer, got {values[key]!r}"
        ) from None


def _validate(config: JobConfig, origin: str = "<config>") -> None:
    source = config.source
    if source.type not in SOURCE_TYPES:
        raise ConfigError(f"{origin}: key 'type' in property group 'source' must be one of {', '.join(SOURCE_TYPES)}, got {source.type!r}")
    if source.type == "kinesis":
        if not source.stream_arn or ":stream/" not in source.stream_arn or not source.stream_arn.startswith("arn:"):
            raise ConfigError(
                f"{origin}: key 'stream.arn' in property group 'source' must be a Kinesis stream ARN"
                f" such as arn:aws:kinesis:us-east-1:123456789012:stream/NAME, got {source.stream_arn!r}"
            )
        if not source.aws_region:
            raise ConfigError(f"{origin}: missing key 'aws.region' in property group 'source'")
        if source.initial_position not in INITIAL_POSITIONS:
            raise ConfigError(f"{origin}: key 'initial.position' in property group 'source' must be one of {', '.join(INITIAL_POSITIONS)}")
        if (source.initial_position == "AT_TIMESTAMP") != (source.initial_timestamp is not None):
            raise ConfigError(f"{origin}: key 'initial.timestamp' in property group 'source' is required with "
                              f"initial.position AT_TIMESTAMP and only with it (got position "
                              f"{source.initial_position!r})")
    if source.type == "file" and not source.input_path:
        raise ConfigError(f"{origin}: key 'input.path' in property group 'source' is required when type is 'file'")
    if source.replay_format not in REPLAY_FORMATS:
        raise ConfigError(f"{origin}: key 'replay.format' in property group 'source' must be one of "
                          f"{', '.join(REPLAY_FORMATS)}, got {source.replay_format!r}")
    if not config.lake_root:
        raise ConfigError(f"{origin}: missing key 'root' in property group 'lake'")
    positive = {
        "watermark.out-of-orderness.ms": (config.watermark_out_of_orderness_ms, 0),
        "max-future-skew.ms": (config.max_future_skew_ms, 0),
        "dedup.grace.ms": (config.dedup_grace_ms, 0),
        "source.idle-timeout.ms": (config.source_idle_timeout_ms, 0),
        "source.alignment.max-drift.ms": (config.alignment_max_drift_ms, 0),
        "source.sync.interval.ms": (config.shard_sync_interval_ms, 50),
        "session.gap.minutes": (config.session_gap_minutes, 1),
        "watch.cap.ms": (config.watch_cap_ms, 0),
        "checkpoint.interval.ms": (config.checkpoint_interval_ms, 100),
        "max-parallelism": (config.max_parallelism, 1),
    }
    for key, (value, minimum) in positive.items():
        if value < minimum:
            raise ConfigError(f"{origin}: key '{key}' in property group 'processing' must be >= {minimum}, got {value}")
    if config.compaction_file_size_mb < 0:
        raise ConfigError(f"{origin}: key 'compaction.file-size.mb' in property group 'lake' must be >= 0 "
                          f"(0: no compaction), got {config.compaction_file_size_mb}")
    if 0 < config.alignment_max_drift_ms <= config.source_idle_timeout_ms:
        raise ConfigError(
            f"{origin}: key 'source.alignment.max-drift.ms' in property group 'processing' ({config.alignment_max_drift_ms}) "
            f"must exceed 'source.idle-timeout.ms' ({config.source_idle_timeout_ms}), or be 0 (no alignment): a shard "
            "that falls quiet must go idle before it could hold the others back")
    if config.metrics.enabled:
        if not config.metrics.region:
            raise ConfigError(f"{origin}: key 'cloudwatch.region' in property group 'metrics' is required when metrics are enabled")
        for key, value in (("cloudwatch.namespace", config.metrics.namespace),
                           ("cloudwatch.application", config.metrics.application)):
            if not value.strip():
                raise ConfigError(f"{origin}: key '{key}' in property group 'metrics' must not be empty")
    if config.parallelism is not None and config.parallelism < 1:
        raise ConfigError(f"{origin}: key 'parallelism' in property group 'processing' must be >= 1")
    if config.max_parallelism > MAX_PARALLELISM_LIMIT:
        raise ConfigError(f"{origin}: key 'max-parallelism' in property group 'processing' must be <= "
                          f"{MAX_PARALLELISM_LIMIT}, got {config.max_parallelism}")
    if config.parallelism is not None and config.parallelism > config.max_parallelism:
        raise ConfigError(f"{origin}: key 'parallelism' in property group 'processing' ({config.parallelism}) must "
                          f"not exceed 'max-parallelism' ({config.max_parallelism})")
