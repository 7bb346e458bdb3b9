"""The figures the plan takes from elsewhere, each with where it comes from: service limits (cited
documentation), the stack template's defaults (read from the template itself) and list prices
(with the date they were read and how; a price must be checked before it is relied on).

Prices can be replaced from a JSON file (``streamwatch plan --prices FILE``) for another region or a
newer price list: an object of ``{"<name>": {"value": ..., "as_of": "YYYY-MM-DD", "source": "..."}}``
whose names are those of ``PRICES``.

Example::

    price = load_prices(None)["kinesis_shard_hour"]
    price.value, price.as_of, price.source
    defaults = template_defaults()
    defaults["RawRetentionDays"]
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parents[2] / "infra" / "cloudformation" / "streamwatch.yaml"
TEMPLATE_PARAMETERS = ("CheckpointIntervalMs", "FlinkParallelismPerKpu", "RawRetentionDays", "DlqRetentionDays",
                       "LateRetentionDays", "SessionGapMinutes", "WatermarkOutOfOrdernessMs", "StreamRetentionHours")
# The lake bucket's lifecycle rule `expire-replaced-versions` (not a parameter): noncurrent versions live 7 days.
NONCURRENT_VERSION_DAYS = 7


@dataclass(frozen=True)
class Cited:
    """A limit or fixed figure with the document it comes from."""

    value: float
    unit: str
    source: str


KINESIS_SHARD_QUOTAS = "docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html"
FLINK_SCALING = "docs.aws.amazon.com/managed-flink/latest/java/how-scaling.html"
FLINK_RESOURCES = "docs.aws.amazon.com/managed-flink/latest/java/how-resources.html"
FLINK_FILE_SINK = ("apache/flink FileSystemTableSink.java (a bulk format such as Parquet rolls at every "
                   "checkpoint) and FileSystemConnectorOptions.java (sink.rolling-policy.file-size 128 MiB)")

LIMITS: dict[str, Cited] = {
    "kinesis_shard_records_per_s": Cited(1000, "records/s", f"per shard, writes ({KINESIS_SHARD_QUOTAS})"),
    "kinesis_shard_bytes_per_s": Cited(1024 * 1024, "bytes/s", f"1 MiB/s per shard, writes, data + partition key "
                                                                f"({KINESIS_SHARD_QUOTAS})"),
    "kinesis_shard_quota": Cited(20_000, "shards", f"default shard quota per account in us-east-1, us-west-2, "
                                                    f"eu-west-1; 1,000 or 6,000 elsewhere ({KINESIS_SHARD_QUOTAS})"),
    "kinesis_on_demand_write_bytes_per_s": Cited(10 * 1000**3, "bytes/s", f"on-demand stream's write maximum in "
                                                                         f"us-east-1, us-west-2, eu-west-1; 200 MB/s "
                                                                         f"elsewhere ({KINESIS_SHARD_QUOTAS})"),
    "kinesis_on_demand_billing_kib": Cited(1024, "bytes", "on-demand bills each record rounded up to the next KiB "
                                                          "(aws.amazon.com/kinesis/data-streams/pricing/)"),
    "kinesis_put_payload_unit": Cited(25 * 1024, "bytes", "provisioned bills PUT payload units of 25 KB per "
                                                          "record (aws.amazon.com/kinesis/data-streams/pricing/)"),
    "flink_kpu_vcpu": Cited(1, "vCPU", f"1 KPU = 1 vCPU, 4 GB memory, 50 GB running storage ({FLINK_RESOURCES})"),
    "flink_kpu_storage_gb": Cited(50, "GB", f"running application storage per KPU ({FLINK_RESOURCES})"),
    "flink_orchestration_kpu": Cited(1, "KPU", "one extra KPU per application for orchestration "
                                               "(docs.aws.amazon.com/managed-flink/latest/java/how-pricing.html)"),
    "flink_kpu_quota": Cited(64, "KPUs", f"KPUs per application by default, raised on request ({FLINK_SCALING})"),
    "flink_parallelism_max": Cited(256, "", f"Parallelism's default maximum, raised with the KPU quota "
                                            f"({FLINK_SCALING})"),
    "file_sink_part_bytes": Cited(128 * 1024 * 1024, "bytes", FLINK_FILE_SINK),
    "s3_min_part_bytes": Cited(5 * 1024 * 1024, "bytes", "S3 multipart parts are at least 5 MiB; Flink's S3 "
                                                         "writer uploads parts of s3.upload.min.part.size = 5 MiB"),
}


@dataclass(frozen=True)
class Price:
    value: float
    unit: str
    as_of: str  # the date the price was read (YYYY-MM-DD)
    source: str  # where, and how it was checked


_PROJECT_LIST = "docs/deploy.md cost estimate (us-east-1 list prices, written 2026-11-25)"
PRICES: dict[str, Price] = {
    "kinesis_shard_hour": Price(0.015, "$/shard-hour", "2026-11-25",
                                f"aws.amazon.com/kinesis/data-streams/pricing/ via {_PROJECT_LIST}; not on the "
                                "stored copy of the page, check it"),
    "kinesis_put_million_units": Price(0.014, "$/million PUT payload units", "2026-11-25",
                                       f"aws.amazon.com/kinesis/data-streams/pricing/ via {_PROJECT_LIST}; check it"),
    "kinesis_on_demand_stream_hour": Price(0.04, "$/stream-hour", "2026-11-25",
                                           f"aws.amazon.com/kinesis/data-streams/pricing/ via {_PROJECT_LIST}; "
                                           "check it"),
    "kinesis_on_demand_gb_in": Price(0.08, "$/GB written", "2026-11-25",
                                     f"aws.amazon.com/kinesis/data-streams/pricing/ via {_PROJECT_LIST}; check it"),
    "kinesis_on_demand_gb_out": Price(0.04, "$/GB read", "2026-11-25",
                                      f"aws.amazon.com/kinesis/data-streams/pricing/ via {_PROJECT_LIST}; check it"),
    "flink_kpu_hour": Price(0.11, "$/KPU-hour", "2026-09-20",
                            "aws.amazon.com/managed-service-apache-flink/pricing/ (us-east-1 example), as "
                            "transcribed on 2026-09-20; same in docs/deploy.md"),
    "flink_running_storage_gb_month": Price(0.10, "$/GB-month", "2026-09-20",
                                            "aws.amazon.com/managed-service-apache-flink/pricing/ (us-east-1 "
                                            "example), as transcribed on 2026-09-20"),
    "s3_standard_gb_month": Price(0.023, "$/GB-month", "2026-11-25",
                                  f"aws.amazon.com/s3/pricing/ S3 Standard, first 50 TB a month, via {_PROJECT_LIST}; "
                                  "larger volumes are a little cheaper; check it"),
    "s3_put_thousand": Price(0.005, "$/1,000 PUT, COPY, POST, LIST requests", "2026-11-25",
                             f"aws.amazon.com/s3/pricing/ via {_PROJECT_LIST}; check it"),
    "redshift_rms_gb_month": Price(0.024, "$/GB-month", "2026-11-25",
                                   f"aws.amazon.com/redshift/pricing/ managed storage via {_PROJECT_LIST}; check it"),
    "redshift_rpu_hour": Price(0.375, "$/RPU-hour", "2026-11-25",
                               f"aws.amazon.com/redshift/pricing/ Serverless via {_PROJECT_LIST}; check it"),
    "glue_dpu_hour": Price(0.44, "$/DPU-hour", "2026-11-25",
                           f"aws.amazon.com/glue/pricing/ via {_PROJECT_LIST}; check it"),
}


class SourcesError(ValueError):
    """A prices file or the template cannot be used; the message says what to fix."""


def load_prices(path: Path | None) -> dict[str, Price]:
    """``PRICES``, with the entries of the JSON file ``path`` (if any) in their place."""
    prices = dict(PRICES)
    if path is None:
        return prices
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SourcesError(f"cannot read the prices file {path}: {error}") from None
    if not isinstance(document, dict):
        raise SourcesError(f"{path} must hold a JSON object of price names to {{value, as_of, source}}")
    for name, entry in document.items():
        if name not in prices:
            raise SourcesError(f"{path}: unknown price '{name}'; known: {', '.join(sorted(prices))}")
        if not isinstance(entry, dict) or not {"value", "as_of", "source"} <= set(entry):
            raise SourcesError(f"{path}: price '{name}' needs value, as_of (YYYY-MM-DD) and source")
        try:
            value = float(entry["value"])
        except (TypeError, ValueError):
            raise SourcesError(f"{path}: price '{name}' has a value that is not a number: {entry['value']!r}") from None
        if value < 0:
            raise SourcesError(f"{path}: price '{name}' is negative")
        prices[name] = replace(prices[name], value=value, as_of=str(entry["as_of"]), source=str(entry["source"]))
    return prices


def template_defaults(path: Path = TEMPLATE) -> dict[str, float]:
    """The defaults of the template's parameters the plan uses, and two fixed properties of the Flink
    application's ``processing`` group: the dedup grace (``DedupGraceMs``: ``dedup.grace.ms``; an
    event_id is forgotten once the watermark has passed its event time + the grace) and the source's
    alignment drift (``AlignmentMaxDriftMs``: ``source.alignment.max-drift.ms``; the most event time a
    catch-up holds waiting for the watermark)."""
    from streamwatch.deploy import load_template

    try:
        template = load_template(path.read_text(encoding="utf-8"))
        defaults = {name: float(template["Parameters"][name]["Default"]) for name in TEMPLATE_PARAMETERS}
        application = next(resource for resource in template["Resources"].values()
                           if resource["Type"] == "AWS::KinesisAnalyticsV2::Application")
        groups = application["Properties"]["ApplicationConfiguration"]["EnvironmentProperties"]["PropertyGroups"]
        processing = next(group["PropertyMap"] for group in groups if group["PropertyGroupId"] == "processing")
        defaults["DedupGraceMs"] = float(processing["dedup.grace.ms"])
        defaults["AlignmentMaxDriftMs"] = float(processing["source.alignment.max-drift.ms"])
        return defaults
    except (OSError, KeyError, TypeError, ValueError, StopIteration) as error:
        raise SourcesError(f"cannot read the parameter defaults of {path}: {error!r}") from None
