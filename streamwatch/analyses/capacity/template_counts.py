"""What the stack template deploys that is billed by the piece, counted from the template itself, so
that the plan's CloudWatch and KMS lines follow the template when alarms or keys are added.

Counted:

* alarms, and their *alarm metrics* - what CloudWatch bills an alarm by: one for an alarm on a
  metric, one per metric an alarm's math expression reads, and three for a metric watched through an
  ``ANOMALY_DETECTION_BAND`` (the metric and the two edges of the band);
* anomaly detectors, dashboards, log groups with their retention, the customer managed KMS keys the
  template creates, and the S3 request-metric filters of the buckets (billed as custom metrics);
* the daily compaction's Glue Python shell job: its DPUs (``MaxCapacity``) and time-out;
* the custom metrics the streaming job publishes (``cloudwatch.namespace`` of its ``metrics`` group):
  one ``PlayStarts`` metric with the ``Application`` dimension alone and one more per device type
  (``flink_app/sql/insert_play_start_metrics.sql``).

Example::

    counts = count_template()
    counts.alarm_metrics, counts.log_groups
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from streamwatch.analyses.capacity.sources import TEMPLATE, SourcesError

ANOMALY_BAND_METRICS = 3  # the metric and the band's two edges (CloudWatch pricing: priced as 3 metrics)


@dataclass(frozen=True)
class TemplateCounts:
    alarms: int
    alarm_metrics: int  # what the alarms are billed by
    anomaly_bands: int  # metrics watched through ANOMALY_DETECTION_BAND (each counted 3 times above)
    anomaly_detectors: int
    dashboards: int
    log_groups: tuple[tuple[str, int], ...]  # (logical id, RetentionInDays)
    kms_keys: int  # customer managed keys the template creates
    s3_metric_filters: int  # S3 request-metric configurations (MetricsConfigurations entries)
    flink_log_retention_days: int  # of the streaming job's log group
    compaction_dpu: float  # MaxCapacity of the Python shell job that compacts a closed day
    compaction_timeout_minutes: int  # ... and its Timeout


def count_template(path: Path = TEMPLATE) -> TemplateCounts:
    """The counts of ``path`` (the stack template); raises SourcesError if it cannot be read."""
    from streamwatch.aws.deploy import load_template

    try:
        resources = load_template(path.read_text(encoding="utf-8"))["Resources"]
    except (OSError, KeyError, TypeError, ValueError) as error:
        raise SourcesError(f"cannot read the resources of {path}: {error!r}") from None
    alarms = metrics = bands = 0
    log_groups: list[tuple[str, int]] = []
    flink_retention = 0
    compaction: dict = {}
    for name, resource in resources.items():
        kind, properties = resource.get("Type"), resource.get("Properties") or {}
        if kind == "AWS::CloudWatch::Alarm":
            alarms += 1
            alarm_metrics, alarm_bands = _alarm_metrics(properties)
            metrics += alarm_metrics
            bands += alarm_bands
        elif kind == "AWS::Logs::LogGroup":
            retention = int(properties.get("RetentionInDays", 0))
            log_groups.append((name, retention))
            if "kinesis-analytics" in str(properties.get("LogGroupName", "")):
                flink_retention = retention
        elif kind == "AWS::Glue::Job" and (properties.get("Command") or {}).get("Name") == "pythonshell":
            compaction = properties
    return TemplateCounts(
        alarms=alarms, alarm_metrics=metrics, anomaly_bands=bands,
        anomaly_detectors=_count(resources, "AWS::CloudWatch::AnomalyDetector"),
        dashboards=_count(resources, "AWS::CloudWatch::Dashboard"), log_groups=tuple(log_groups),
        kms_keys=_count(resources, "AWS::KMS::Key"),
        s3_metric_filters=sum(len((r.get("Properties") or {}).get("MetricsConfigurations", []))
                              for r in resources.values() if r.get("Type") == "AWS::S3::Bucket"),
        flink_log_retention_days=flink_retention,
        compaction_dpu=float(compaction.get("MaxCapacity", 0)),
        compaction_timeout_minutes=int(compaction.get("Timeout", 0)))


def _alarm_metrics(properties: dict) -> tuple[int, int]:
    """(alarm metrics billed, anomaly bands) of one alarm's properties."""
    if "MetricName" in properties:
        return 1, 0
    queries = properties.get("Metrics", [])
    read = [query for query in queries if "MetricStat" in query]
    bands = sum(1 for query in queries if "ANOMALY_DETECTION_BAND" in str(query.get("Expression", "")))
    return len(read) + bands * (ANOMALY_BAND_METRICS - 1), bands


def _count(resources: dict, kind: str) -> int:
    return sum(1 for resource in resources.values() if resource.get("Type") == kind)
