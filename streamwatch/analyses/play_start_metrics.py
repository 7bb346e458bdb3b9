"""Reading back the PlayStarts metric the job publishes (docs/operations.md): per minute, in total
(the metric with the Application dimension alone) or for one device type.

Example::

    cloudwatch = boto3.client("cloudwatch", endpoint_url=local.endpoint, region_name="us-east-1")
    per_minute = play_starts_per_minute(cloudwatch, "streamwatch-local", start, end)
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

NAMESPACE = "Streamwatch"
METRIC = "PlayStarts"


def play_starts_per_minute(cloudwatch: Any, application: str, start: datetime, end: datetime,
                           device_type: str | None = None) -> dict[datetime, float]:
    """Minute (naive UTC) -> play starts, from GetMetricData (dimensions matched exactly)."""
    dimensions = [{"Name": "Application", "Value": application}]
    if device_type:
        dimensions.append({"Name": "DeviceType", "Value": device_type})
    query = {"Id": "starts", "MetricStat": {
        "Metric": {"Namespace": NAMESPACE, "MetricName": METRIC, "Dimensions": dimensions},
        "Period": 60, "Stat": "Maximum",  # one point per minute; a restart may send a minute twice
    }}
    values: dict[datetime, float] = {}
    token = None
    while True:
        arguments = {"MetricDataQueries": [query], "StartTime": _utc(start), "EndTime": _utc(end)}
        if token:
            arguments["NextToken"] = token
        answer = cloudwatch.get_metric_data(**arguments)
        result = answer["MetricDataResults"][0]
        for stamp, value in zip(result["Timestamps"], result["Values"]):
            values[stamp.astimezone(timezone.utc).replace(tzinfo=None)] = value
        token = answer.get("NextToken")
        if not token:
            return dict(sorted(values.items()))


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment
