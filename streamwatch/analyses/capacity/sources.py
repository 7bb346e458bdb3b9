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

TEMPLATE = Path(__file__).resolve().parents[3] / "infra" / "cloudformation" / "streamwatch.yaml"
TEMPLATE_PARAMETERS = ("CheckpointIntervalMs", "FlinkParallelismPerKpu", "RawRetentionDays", "DlqRetentionDays",
                       "LateRetentionDays", "SessionGapMinutes", "WatermarkOutOfOrdernessMs", "StreamRetentionHours",
                       "FlinkMaxKpus", "RedshiftBaseCapacity", "GlueNumberOfWorkers", "StreamWaitChecks")
# The lake bucket's lifecycle rule `expire-replaced-versions` (not a parameter): noncurrent versions live 7 days.
NONCURRENT_VERSION_DAYS = 7


@dataclass(frozen=True)
class Cited:
    """A limit or fixed figure with the document it comes from."""

    value: float
    unit: str
    source: str


KINESIS_SHARD_QUOTAS = "docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html"
KINESIS_SSE_COSTS = "docs.aws.amazon.com/streams/latest/dev/costs-performance.html"
FLINK_SCALING = "docs.aws.amazon.com/managed-flink/latest/java/how-scaling.html"
FLINK_RESOURCES = "docs.aws.amazon.com/managed-flink/latest/java/how-resources.html"
FLINK_PARALLELISM_API = "docs.aws.amazon.com/managed-flink/latest/apiv2/API_ParallelismConfiguration.html"
FLINK_FILE_SINK = ("apache/flink FileSystemTableSink.java (a bulk format such as Parquet rolls at every "
                   "checkpoint) and FileSystemConnectorOptions.java (sink.rolling-policy.file-size 128 MiB)")
FLINK_COMPACTION = ("Flink filesystem SQL connector, File Compaction: with auto-compaction the files a checkpoint "
                    "wrote are merged, per partition, into files of up to compaction.file-size; files of different "
                    "checkpoints are not merged")
_READ_2026_12_03 = "read 2026-12-03 in the stored copy of the page (search tool)"

LIMITS: dict[str, Cited] = {
    "kinesis_shard_records_per_s": Cited(1000, "records/s", f"per shard, writes ({KINESIS_SHARD_QUOTAS})"),
    "kinesis_shard_bytes_per_s": Cited(1024 * 1024, "bytes/s", f"1 MiB/s per shard, writes, data + partition key "
                                                                f"({KINESIS_SHARD_QUOTAS})"),
    "kinesis_shard_quota": Cited(20_000, "shards", f"default shard quota per account in us-east-1, us-west-2, "
                                                    f"eu-west-1; 1,000 or 6,000 elsewhere; raised through Service "
                                                    f"Quotas ({KINESIS_SHARD_QUOTAS}, {_READ_2026_12_03})"),
    "kinesis_on_demand_write_bytes_per_s": Cited(10 * 1000**3, "bytes/s", f"on-demand stream's write maximum in "
                                                                         f"us-east-1, us-west-2, eu-west-1; 200 MB/s "
                                                                         f"elsewhere, 10 GB/s there by support "
                                                                         f"ticket ({KINESIS_SHARD_QUOTAS})"),
    "kinesis_on_demand_initial_write_bytes_per_s": Cited(4 * 1000**2, "bytes/s", f"a new on-demand stream starts "
                                                                                f"at 4 MB/s of writes and scales up "
                                                                                f"from there ({KINESIS_SHARD_QUOTAS}, "
                                                                                f"{_READ_2026_12_03})"),
    "kinesis_on_demand_streams": Cited(50, "streams", f"on-demand streams per account by default, raised by "
                                                      f"support ticket ({KINESIS_SHARD_QUOTAS}, {_READ_2026_12_03})"),
    "kinesis_on_demand_billing_kib": Cited(1024, "bytes", "on-demand bills each record rounded up to the next KiB "
                                                          "(aws.amazon.com/kinesis/data-streams/pricing/)"),
    "kinesis_put_payload_unit": Cited(25 * 1024, "bytes", "provisioned bills PUT payload units of 25 KB per "
                                                          "record (aws.amazon.com/kinesis/data-streams/pricing/)"),
    "kinesis_kms_calls_per_credential_hour": Cited(12, "requests/h", f"Kinesis calls KMS about every five minutes "
                                                                     f"to rotate the data key, per user credential "
                                                                     f"of producers and consumers "
                                                                     f"({KINESIS_SSE_COSTS}, {_READ_2026_12_03})"),
    "flink_kpu_vcpu": Cited(1, "vCPU", f"1 KPU = 1 vCPU, 4 GB memory (3 GB heap, 1 GB native), 50 GB disk "
                                       f"({FLINK_RESOURCES}, {_READ_2026_12_03})"),
    "flink_kpu_storage_gb": Cited(50, "GB", f"running application storage per KPU: 'for every KPU allocated, 50 GB "
                                            f"of running application storage' ({FLINK_SCALING}; 50 GB of disk space "
                                            f"per KPU in {FLINK_RESOURCES}; both {_READ_2026_12_03}); billed per "
                                            f"GB-month (docs.aws.amazon.com/managed-flink/latest/java/"
                                            f"how-pricing.html)"),
    "flink_orchestration_kpu": Cited(1, "KPU", "one extra KPU per application for orchestration "
                                               "(docs.aws.amazon.com/managed-flink/latest/java/how-pricing.html)"),
    "flink_kpu_quota": Cited(64, "KPUs", f"KPUs per application by default, raised by a limit increase request in "
                                         f"Service Quotas; Parallelism is bounded by ParallelismPerKPU x this quota, "
                                         f"and autoscaling stops there too ({FLINK_SCALING}, {FLINK_PARALLELISM_API}, "
                                         f"{_READ_2026_12_03})"),
    "flink_parallelism_setting_max": Cited(256, "", f"the Parallelism property's stated maximum ({FLINK_SCALING}, "
                                                    f"which also bounds Parallelism by ParallelismPerKPU x the KPU "
                                                    f"quota; a quota increase is the way past either)"),
    "flink_max_parallelism_limit": Cited(32_768, "", "Flink's upper bound for pipeline.max-parallelism "
                                                     "(flink_app/config.py MAX_PARALLELISM_LIMIT)"),
    "file_sink_part_bytes": Cited(128 * 1024 * 1024, "bytes", FLINK_FILE_SINK),
    "compaction_file_bytes": Cited(128 * 1024 * 1024, "bytes", f"lake.compaction.file-size.mb 128, the job's "
                                                               f"default ({FLINK_COMPACTION})"),
    "small_file_bytes": Cited(16 * 1024 * 1024, "bytes", "the plan's line under which a zone's mean object is too "
                                                         "small: Athena and Spark (Glue) pay a request and a footer "
                                                         "read per object, and AWS's Athena tuning advice is to "
                                                         "avoid files much under 128 MB; an assumption of this plan"),
    "s3_min_part_bytes": Cited(5 * 1024 * 1024, "bytes", "S3 multipart parts are at least 5 MiB; Flink's S3 "
                                                         "writer uploads parts of s3.upload.min.part.size = 5 MiB"),
    "s3_standard_tier_1_gb": Cited(50 * 1024, "GB", "S3 Standard's first price tier: the first 50 TB a month "
                                                    "(aws.amazon.com/s3/pricing/; TB taken as 1,024 GB)"),
    "s3_standard_tier_2_gb": Cited(500 * 1024, "GB", "S3 Standard's second tier ends at 500 TB a month (the next "
                                                     "450 TB); above it the third (aws.amazon.com/s3/pricing/)"),
    "athena_min_bytes_per_query": Cited(10 * 1000**2, "bytes", "Athena bills at least 10 MB per query, rounded up "
                                                               "to the MB (athena.guide/articles/"
                                                               "athena-basics-pricing-model; aws.amazon.com/athena/"
                                                               "pricing/, check it)"),
    "glue_min_billed_minutes": Cited(1, "minute", "Glue 2.0 and later bill a job run per second with a 1-minute "
                                                  "minimum (aws.amazon.com/glue/pricing/, check it)"),
    "kms_free_requests_month": Cited(20_000, "requests", "AWS KMS free tier: 20,000 requests a month "
                                                         "(aws.amazon.com/kms/pricing/, read 2026-12-03 in the "
                                                         "stored copy)"),
    "cloudwatch_free_alarm_metrics": Cited(10, "alarm metrics", "CloudWatch free tier: 10 standard-resolution alarm "
                                                                "metrics (aws.amazon.com/cloudwatch/pricing/, read "
                                                                "2026-12-03 in the stored copy)"),
    "cloudwatch_free_dashboards": Cited(3, "dashboards", "CloudWatch free tier: 3 dashboards of up to 50 metrics "
                                                         "(aws.amazon.com/cloudwatch/pricing/, read 2026-12-03 in "
                                                         "the stored copy)"),
    "cloudwatch_free_log_gb": Cited(5, "GB", "CloudWatch free tier: 5 GB of log data (ingestion, archive storage, "
                                             "Logs Insights scans) a month (aws.amazon.com/cloudwatch/pricing/, read "
                                             "2026-12-03 in the stored copy)"),
    "s3_request_metrics_per_filter": Cited(16, "metrics", "S3 request metrics publish 16 metrics per filter "
                                                          "(AllRequests ... TotalRequestLatency), billed as custom "
                                                          "metrics (docs.aws.amazon.com/AmazonS3/latest/userguide/"
                                                          "metrics-dimensions.html; check it)"),
}


@dataclass(frozen=True)
class Price:
    value: float
    unit: str
    as_of: str  # the date the price was read (YYYY-MM-DD)
    source: str  # where, and how it was checked


_PROJECT_LIST = "docs/deploy.md cost estimate (us-east-1 list prices, written 2026-11-25)"
_TODAY = "2026-12-03"
_THIRD_PARTY = "the official page's stored copy did not show the figure; it is the figure of"
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
    "kinesis_extended_retention_shard_hour": Price(
        0.02, "$/shard-hour", _TODAY,
        f"provisioned extended retention (beyond 24 h, up to 7 days), aws.amazon.com/kinesis/data-streams/pricing/: "
        f"{_THIRD_PARTY} awsnegotiations.com/kinesis-pricing-optimization.html and c3x.dev/resources/aws/"
        f"aws_kinesis_stream; check it"),
    "kinesis_efo_consumer_shard_hour": Price(
        0.015, "$/consumer-shard-hour", _TODAY,
        f"provisioned enhanced fan-out, aws.amazon.com/kinesis/data-streams/pricing/: {_THIRD_PARTY} "
        f"c3x.dev/resources/aws/aws_kinesis_stream and awsnegotiations.com; check it"),
    "kinesis_efo_gb": Price(0.013, "$/GB retrieved", _TODAY,
                            f"provisioned enhanced fan-out data retrievals, aws.amazon.com/kinesis/data-streams/"
                            f"pricing/: {_THIRD_PARTY} c3x.dev/resources/aws/aws_kinesis_stream; check it"),
    "flink_kpu_hour": Price(0.11, "$/KPU-hour", "2026-09-20",
                            "aws.amazon.com/managed-service-apache-flink/pricing/ (us-east-1 example), as "
                            "transcribed on 2026-09-20; same in docs/deploy.md"),
    "flink_running_storage_gb_month": Price(0.10, "$/GB-month", "2026-09-20",
                                            "aws.amazon.com/managed-service-apache-flink/pricing/ (us-east-1 "
                                            "example), as transcribed on 2026-09-20; 50 GB per KPU checked "
                                            f"{_TODAY} (limit flink_kpu_storage_gb)"),
    "s3_standard_gb_month": Price(0.023, "$/GB-month", "2026-11-25",
                                  f"aws.amazon.com/s3/pricing/ S3 Standard, first 50 TB a month, via {_PROJECT_LIST}; "
                                  "check it"),
    "s3_standard_next_450tb_gb_month": Price(0.022, "$/GB-month", _TODAY,
                                             "aws.amazon.com/s3/pricing/ S3 Standard, next 450 TB a month (us-east-1 "
                                             "list price as commonly quoted; the stored copy of the page did not "
                                             "show the tier table); check it"),
    "s3_standard_over_500tb_gb_month": Price(0.021, "$/GB-month", _TODAY,
                                             "aws.amazon.com/s3/pricing/ S3 Standard, over 500 TB a month (us-east-1 "
                                             "list price as commonly quoted; the stored copy of the page did not "
                                             "show the tier table); check it"),
    "s3_put_thousand": Price(0.005, "$/1,000 PUT, COPY, POST, LIST requests", "2026-11-25",
                             f"aws.amazon.com/s3/pricing/ via {_PROJECT_LIST}; check it"),
    "redshift_rms_gb_month": Price(0.024, "$/GB-month", "2026-11-25",
                                   f"aws.amazon.com/redshift/pricing/ managed storage via {_PROJECT_LIST}; check it"),
    "redshift_rpu_hour": Price(0.375, "$/RPU-hour", "2026-11-25",
                               f"aws.amazon.com/redshift/pricing/ Serverless via {_PROJECT_LIST}; check it"),
    "glue_dpu_hour": Price(0.44, "$/DPU-hour", "2026-11-25",
                           f"aws.amazon.com/glue/pricing/ via {_PROJECT_LIST}; check it"),
    "athena_tb_scanned": Price(5.0, "$/TB scanned", _TODAY,
                               f"aws.amazon.com/athena/pricing/ (SQL queries): {_THIRD_PARTY} athena.guide/articles/"
                               f"athena-basics-pricing-model and rcpedia.stanford.edu/services/athena.html; check it"),
    "cloudwatch_metric_month": Price(0.30, "$/metric-month", _TODAY,
                                     f"aws.amazon.com/cloudwatch/pricing/ custom metrics, first 10,000: {_THIRD_PARTY} "
                                     f"signoz.io/guides/cloudwatch-pricing; check it"),
    "cloudwatch_alarm_metric_month": Price(0.10, "$/alarm metric-month", _TODAY,
                                           f"aws.amazon.com/cloudwatch/pricing/ standard-resolution alarms: "
                                           f"{_THIRD_PARTY} c3x.dev/resources/aws/aws_cloudwatch_metric_alarm; an "
                                           f"anomaly detection alarm is billed as 3 alarm metrics; check it"),
    "cloudwatch_dashboard_month": Price(3.0, "$/dashboard-month", _TODAY,
                                        f"aws.amazon.com/cloudwatch/pricing/: {_THIRD_PARTY} factualminds.com "
                                        f"CloudWatch pricing article; the first 3 are free; check it"),
    "cloudwatch_logs_gb_ingested": Price(0.50, "$/GB ingested", _TODAY,
                                         f"aws.amazon.com/cloudwatch/pricing/ Logs, standard class: {_THIRD_PARTY} "
                                         f"factualminds.com CloudWatch pricing article; check it"),
    "cloudwatch_logs_gb_month": Price(0.03, "$/GB-month archived", _TODAY,
                                      "aws.amazon.com/cloudwatch/pricing/ Logs storage (archive), us-east-1 list "
                                      "price as commonly quoted; the stored copy did not show it; check it"),
    "cloudwatch_put_metric_thousand": Price(0.01, "$/1,000 PutMetricData requests", _TODAY,
                                            "aws.amazon.com/cloudwatch/pricing/ API requests, us-east-1 list price as "
                                            "commonly quoted (the first 1 million a month are free); check it"),
    "kms_key_month": Price(1.0, "$/key-month", _TODAY,
                           "aws.amazon.com/kms/pricing/: each KMS key you create costs $1/month, +$1/month per "
                           "rotated backing key (read in the stored copy)"),
    "kms_10k_requests": Price(0.03, "$/10,000 requests", _TODAY,
                              f"aws.amazon.com/kms/pricing/ symmetric key requests after 20,000 free a month: "
                              f"{_THIRD_PARTY} wring.co/blog/aws-kms-pricing-guide; check it"),
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
    event_id is forgotten once the watermark has passed its event time + the grace), the source's
    alignment drift (``AlignmentMaxDriftMs``: ``source.alignment.max-drift.ms``; the most event time a
    catch-up holds waiting for the watermark) and the job's max parallelism (``MaxParallelism``:
    ``max-parallelism``); and the largest value the template lets ``FlinkMaxKpus`` take
    (``FlinkMaxKpusMaxValue``)."""
    from streamwatch.aws.deploy import load_template

    try:
        template = load_template(path.read_text(encoding="utf-8"))
        defaults = {name: float(template["Parameters"][name]["Default"]) for name in TEMPLATE_PARAMETERS}
        application = next(resource for resource in template["Resources"].values()
                           if resource["Type"] == "AWS::KinesisAnalyticsV2::Application")
        groups = application["Properties"]["ApplicationConfiguration"]["EnvironmentProperties"]["PropertyGroups"]
        processing = next(group["PropertyMap"] for group in groups if group["PropertyGroupId"] == "processing")
        defaults["DedupGraceMs"] = float(processing["dedup.grace.ms"])
        defaults["AlignmentMaxDriftMs"] = float(processing["source.alignment.max-drift.ms"])
        defaults["MaxParallelism"] = float(processing["max-parallelism"])
        defaults["FlinkMaxKpusMaxValue"] = float(template["Parameters"]["FlinkMaxKpus"]["MaxValue"])
        return defaults
    except (OSError, KeyError, TypeError, ValueError, StopIteration) as error:
        raise SourcesError(f"cannot read the parameter defaults of {path}: {error!r}") from None
