"""Play starts per minute (issue: play starts per second, live): the job's processed/play_starts_1m
and the PlayStarts metrics it sends through the jar's CloudWatch sink (here to the moto server of a
local Kinesis, which serves CloudWatch too), both against the plain-Python reference."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta, timezone

import pytest

from flink_app.config import load_config
from streamwatch.lake import Lake
from streamwatch.local_kinesis import LocalKinesis
from tests.flink_app.scenarios import generate
from tests.reference.contract import evaluate, play_starts_1m

pytestmark = [pytest.mark.flink, pytest.mark.kinesis]

KEYS = ["window_start", "window_end", "country", "device_type", "play_starts", "dt", "hr"]


@pytest.fixture(scope="module")
def run(connector_jar, tmp_path_factory):
    import boto3

    from streamwatch.flink_runner import start_job

    workdir = tmp_path_factory.mktemp("play-starts")
    records = generate(seed=17, keys=30, events_per_key=60)
    source = workdir / "events.jsonl"
    source.write_text("\n".join(records) + "\n", encoding="utf-8")
    expected = play_starts_1m(evaluate(records))
    with LocalKinesis() as moto:
        config = load_config().with_overrides(
            source_type="file", source_input_path=str(source), lake_root=str(workdir / "lake"), parallelism=1,
            metrics_enabled=True, metrics_endpoint=moto.endpoint, metrics_region=moto.region,
            metrics_application="streamwatch-test",
        )
        start_job(config).wait()
        cloudwatch = boto3.client("cloudwatch", endpoint_url=moto.endpoint, region_name=moto.region,
                                  aws_access_key_id="testing", aws_secret_access_key="testing")
        minutes = sorted({row["window_start"] for row in expected})
        start, end = minutes[0] - timedelta(minutes=1), minutes[-1] + timedelta(minutes=2)
        sent = {}
        for device_type in (None, "tv", "mobile", "web"):
            # GetMetricData matches the dimensions exactly, as CloudWatch does: the total is the
            # metric with the Application dimension alone
            dimensions = [{"Name": "Application", "Value": "streamwatch-test"}]
            if device_type:
                dimensions.append({"Name": "DeviceType", "Value": device_type})
            result = cloudwatch.get_metric_data(
                MetricDataQueries=[{"Id": "starts", "MetricStat": {
                    "Metric": {"Namespace": "Streamwatch", "MetricName": "PlayStarts", "Dimensions": dimensions},
                    "Period": 60, "Stat": "Sum"}}],
                StartTime=start.replace(tzinfo=timezone.utc), EndTime=end.replace(tzinfo=timezone.utc),
            )["MetricDataResults"][0]
            sent[device_type] = {stamp.replace(tzinfo=None): value
                                 for stamp, value in zip(result["Timestamps"], result["Values"])}
    return Lake(workdir / "lake"), expected, sent


def test_play_starts_1m_match_the_reference(run):
    lake, expected, _ = run
    def comparable(rows):
        return sorted(tuple(str(row[k]) for k in KEYS) for row in rows)
    assert expected and comparable(lake.rows("processed/play_starts_1m")) == comparable(expected)


def test_cloudwatch_has_the_total_and_each_device_type_per_minute(run):
    _, expected, sent = run
    total: Counter = Counter()
    by_device: dict[str, Counter] = defaultdict(Counter)
    for row in expected:
        total[row["window_start"]] += row["play_starts"]
        by_device[row["device_type"]][row["window_start"]] += row["play_starts"]
    assert sent[None] == {minute: float(n) for minute, n in total.items()}
    for device_type in ("tv", "mobile", "web"):
        assert sent[device_type] == {minute: float(n) for minute, n in by_device[device_type].items()}
