"""Counting what the template deploys that is billed by the piece, on a hand-made template read by hand."""

from __future__ import annotations

import pytest

from streamwatch.analyses.capacity.sources import SourcesError
from streamwatch.analyses.capacity.template_counts import count_template

TEMPLATE = """
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties: {Description: one key}
  Lake:
    Type: AWS::S3::Bucket
    Properties:
      MetricsConfigurations:
        - {Id: dlq, Prefix: dlq/}
        - {Id: raw, Prefix: raw/}
  JobLogs:
    Type: AWS::Logs::LogGroup
    Properties: {LogGroupName: !Sub "/aws/kinesis-analytics/${AWS::StackName}", RetentionInDays: 14}
  OtherLogs:
    Type: AWS::Logs::LogGroup
    Properties: {RetentionInDays: 90}
  OneMetric:
    Type: AWS::CloudWatch::Alarm
    Properties: {MetricName: downtime, Namespace: AWS/KinesisAnalytics, Threshold: 0}
  Expression:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Metrics:
        - {Id: a, MetricStat: {Metric: {MetricName: A, Namespace: N}, Period: 60, Stat: Sum}}
        - {Id: b, MetricStat: {Metric: {MetricName: B, Namespace: N}, Period: 60, Stat: Sum}}
        - {Id: c, MetricStat: {Metric: {MetricName: C, Namespace: N}, Period: 60, Stat: Sum}}
        - {Id: e, Expression: "a + b + c"}
  Band:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Metrics:
        - {Id: plays, MetricStat: {Metric: {MetricName: PlayStarts, Namespace: Streamwatch}, Period: 60, Stat: Maximum}}
        - {Id: band, Expression: !Sub "ANOMALY_DETECTION_BAND(plays, ${Width})"}
      ThresholdMetricId: band
  Detector:
    Type: AWS::CloudWatch::AnomalyDetector
    Properties: {}
  Board:
    Type: AWS::CloudWatch::Dashboard
    Properties: {}
  Build:
    Type: AWS::Glue::Job
    Properties: {Command: {Name: glueetl}, NumberOfWorkers: 2, Timeout: 60}
  Compact:
    Type: AWS::Glue::Job
    Properties: {Command: {Name: pythonshell, PythonVersion: "3.9"}, MaxCapacity: 0.0625, Timeout: 45}
"""


def test_alarms_are_counted_by_the_metrics_they_are_billed_by(tmp_path):
    path = tmp_path / "template.yaml"
    path.write_text(TEMPLATE)
    counts = count_template(path)
    assert counts.alarms == 3
    assert counts.alarm_metrics == 1 + 3 + 3  # a metric; three in an expression; a band priced as 3
    assert counts.anomaly_bands == 1 and counts.anomaly_detectors == 1 and counts.dashboards == 1
    assert counts.kms_keys == 1 and counts.s3_metric_filters == 2
    assert counts.log_groups == (("JobLogs", 14), ("OtherLogs", 90)) and counts.flink_log_retention_days == 14
    assert (counts.compaction_dpu, counts.compaction_timeout_minutes) == (0.0625, 45)


def test_the_stack_template_is_countable():
    counts = count_template()
    assert counts.alarms >= 1 and counts.alarm_metrics >= counts.alarms and counts.kms_keys >= 1
    assert counts.compaction_dpu > 0 and counts.compaction_timeout_minutes > 0


def test_an_unreadable_template_is_reported(tmp_path):
    path = tmp_path / "template.yaml"
    path.write_text("Parameters: {}\n")
    with pytest.raises(SourcesError, match="resources"):
        count_template(path)
