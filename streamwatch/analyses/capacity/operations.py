"""The plan's operations section: what running the pipeline costs beside the stream, the job and the
lake's storage - Athena's nightly checks and ad hoc queries, the Glue batch, Redshift Serverless
compute, CloudWatch and KMS - each line with what it rests on.

A mixin of the plan's builder (``model._Builder``): it reads the zones' bytes and objects a day (S3
section), the curated bytes (Redshift section), the template's counts (``template_counts``) and
defaults, and leaves ``self.operation_costs``: (key, figure, $ a month, basis, prices) for the cost
section.

Assumptions, each said in its line: the ad hoc Athena scans (``--athena-adhoc-gb-per-day``), the log
volume (``--log-gb-per-day``), Redshift's active hours, the Parquet footer bytes a ``count(*)`` reads
and the producers' credentials that call KMS through Kinesis.
"""

from __future__ import annotations

HOURS_PER_MONTH = 730
DAYS_PER_MONTH = HOURS_PER_MONTH / 24
ATHENA_TB = 1e12  # the plan counts Athena's TB as 10^12 bytes (more TB than 2^40 would give: conservative)
FOOTER_BYTES = 32 * 1024  # a Parquet footer count(*) reads per object: an assumption
RAW_SAMPLE_BYTES = 256 * 1024**2  # data_quality.py's RAW_SAMPLE_BYTES default: the schema-drift sample
REDSHIFT_ACTIVE_HOURS = 2.0  # hours a day the workgroup runs at its base RPUs: an assumption
PRODUCER_CREDENTIALS = 100  # distinct credentials writing to the stream: an assumption
CLOUDWATCH_PRICES = ("cloudwatch_metric_month", "cloudwatch_alarm_metric_month", "cloudwatch_dashboard_month",
                     "cloudwatch_logs_gb_ingested", "cloudwatch_logs_gb_month", "cloudwatch_put_metric_thousand")


class OperationLines:
    """Mixed into the plan's builder, which provides add, limit, price, quote, s, t, counts and the
    figures of the sections before this one."""

    def operations(self) -> None:
        self.operation_costs: list[tuple[str, str, float, str, tuple[str, ...]]] = []
        for section in (self._athena, self._glue, self._compaction, self._redshift_compute, self._cloudwatch,
                        self._kms):
            section()

    def _cost(self, key: str, figure: str, month: float, basis: str, prices: tuple[str, ...]) -> None:
        self.add(f"operations.{key}_month", f"{figure}, a month", month, "$", basis, prices)
        self.operation_costs.append((key, figure, month, basis, prices))

    def _athena(self) -> None:
        minimum = self.limit("athena_min_bytes_per_query")
        footers = (self.objects_day["raw"] + self.objects_day["dlq"]) * FOOTER_BYTES
        read = (self.bytes_day["processed/sessions"] + self.bytes_day["processed/title_watch_5m"]
                + self.curated_day)
        quality = max(minimum, footers + read)
        checks = int(self.t["StreamWaitChecks"])
        nightly = quality + max(minimum, RAW_SAMPLE_BYTES) + checks * minimum
        self.add("operations.athena_nightly_bytes", "Athena: bytes the nightly checks scan a day", nightly, "bytes",
                 f"data_quality.sql: count(*) of raw and dlq from the Parquet footers ({self.objects_day['raw']:,.0f} "
                 f"+ {self.objects_day['dlq']:,.0f} objects x ~{FOOTER_BYTES // 1024} KiB, an assumption) + the day's "
                 f"processed/sessions and processed/title_watch_5m whole (its dedup orders by nearly every column) + "
                 f"the day's curated rows (S3 and Redshift sections); raw_sample_fields.sql: at most "
                 f"{RAW_SAMPLE_BYTES / 2**20:,.0f} MiB of raw's record column (RAW_SAMPLE_BYTES); stream_progress.sql "
                 f"up to {checks} times (StreamWaitChecks, template default), each at the {minimum / 1e6:g} MB "
                 f"minimum a query is billed")
        adhoc = self.s.athena_adhoc_gb_per_day * 1e9
        month = (nightly + adhoc) * DAYS_PER_MONTH / ATHENA_TB * self.price("athena_tb_scanned")
        self._cost("athena", "Athena", month,
                   f"({nightly / 1e9:,.1f} GB nightly + {adhoc / 1e9:,.0f} GB ad hoc, an assumption: "
                   f"--athena-adhoc-gb-per-day) a day x {DAYS_PER_MONTH:.2f} days, TB as 10^12 bytes; "
                   f"{self.quote('athena_tb_scanned')}", ("athena_tb_scanned",))

    def _glue(self) -> None:
        from streamwatch.analyses.capacity.glue_rate import GLUE_DPU_VCPU, GLUE_RATE
        from streamwatch.aws.packaging import GLUE_JOBS

        rows = 2 * self.rows_day["processed/sessions"] + self.rows_day["processed/title_watch_5m"]
        per_dpu = GLUE_RATE.rows_per_second_per_vcpu * GLUE_DPU_VCPU
        workers = self.t["GlueNumberOfWorkers"]
        floor = len(GLUE_JOBS) * workers * self.limit("glue_min_billed_minutes") / 60
        scaled = rows / per_dpu / 3600
        if self.s.glue_dpu_hours_per_day is not None:
            dpu_hours = self.s.glue_dpu_hours_per_day
            basis = f"{dpu_hours:g} DPU-hours a day as given (--glue-dpu-hours-per-day)"
        else:
            dpu_hours = max(floor, scaled)
            basis = (f"{rows:,.0f} rows read a day (the day's sessions twice, its title windows once) / "
                     f"{per_dpu:,.0f} rows/s per DPU = {scaled:,.2f} DPU-hours, at least {len(GLUE_JOBS)} jobs x "
                     f"{workers:g} workers (GlueNumberOfWorkers) x the 1-minute minimum = {floor:.2f}: scaled linearly "
                     f"from a local run, not measured on Glue: {GLUE_RATE.rows:,} rows in {GLUE_RATE.seconds:g} s on "
                     f"{GLUE_RATE.cores} cores = {GLUE_RATE.rows_per_second_per_vcpu:,.0f} rows/s per vCPU, x "
                     f"{GLUE_DPU_VCPU} vCPU per DPU ({GLUE_RATE.how})")
        self.add("operations.glue_dpu_hours_per_day", "Glue: DPU-hours a day", dpu_hours, "DPU-hours", basis)
        self._cost("glue", "Glue batch", dpu_hours * DAYS_PER_MONTH * self.price("glue_dpu_hour"),
                   f"{dpu_hours:,.2f} DPU-hours a day x {DAYS_PER_MONTH:.2f} days; {self.quote('glue_dpu_hour')}",
                   ("glue_dpu_hour",))

    def _compaction(self) -> None:
        from streamwatch.analyses.capacity.glue_rate import COMPACTION_RATE, GLUE_DPU_VCPU

        dpu, timeout = self.counts.compaction_dpu, self.counts.compaction_timeout_minutes
        rewritten = sum(self.daily_compacted_bytes.values())
        per_second = COMPACTION_RATE.bytes_per_second_per_vcpu * GLUE_DPU_VCPU * dpu
        hours = max(self.limit("glue_min_billed_minutes") / 60, rewritten / per_second / 3600)
        dpu_hours = hours * dpu
        zones = ", ".join(f"{zone} {bytes_day / 1e9:,.1f} GB" for zone, bytes_day in self.daily_compacted_bytes.items()
                          if bytes_day) or "none"
        self.add("operations.compaction_minutes_per_day", "Daily compaction: run time a day", hours * 60, "minutes",
                 f"{rewritten / 1e9:,.1f} GB of small files rewritten a day ({zones}: the zones whose mean object "
                 f"is under the compaction's threshold) / {per_second / 2**20:,.0f} MiB/s "
                 f"({dpu:g} DPU (the template's compaction job) x {GLUE_DPU_VCPU} vCPU x "
                 f"{COMPACTION_RATE.bytes_per_second_per_vcpu / 2**20:,.0f} MiB/s per vCPU, scaled from a local run, "
                 f"not measured on Glue: {COMPACTION_RATE.how}), at least the 1-minute minimum; the job's timeout is "
                 f"{timeout} minutes")
        self._cost("compaction", "Daily compaction (Glue Python shell)",
                   dpu_hours * DAYS_PER_MONTH * self.price("glue_dpu_hour"),
                   f"{dpu_hours:,.3f} DPU-hours a day x {DAYS_PER_MONTH:.2f} days; {self.quote('glue_dpu_hour')}",
                   ("glue_dpu_hour",))

    def _redshift_compute(self) -> None:
        base = self.t["RedshiftBaseCapacity"]
        if self.s.redshift_rpu_hours_per_day is not None:
            rpu_hours = self.s.redshift_rpu_hours_per_day
            basis = f"{rpu_hours:g} RPU-hours a day as given (--redshift-rpu-hours-per-day)"
        else:
            rpu_hours = base * REDSHIFT_ACTIVE_HOURS
            basis = (f"an assumption, not measured: the workgroup at its base capacity of {base:g} RPUs "
                     f"(RedshiftBaseCapacity, template default) for {REDSHIFT_ACTIVE_HOURS:g} h a day - the nightly "
                     f"load and the day's dashboard queries (Serverless bills RPU-seconds while queries run, 60 s at "
                     f"least); --redshift-rpu-hours-per-day replaces it")
        self.add("operations.redshift_rpu_hours_per_day", "Redshift Serverless: RPU-hours a day", rpu_hours,
                 "RPU-hours", basis)
        self._cost("redshift_compute", "Redshift Serverless compute",
                   rpu_hours * DAYS_PER_MONTH * self.price("redshift_rpu_hour"),
                   f"{rpu_hours:g} RPU-hours a day x {DAYS_PER_MONTH:.2f} days; {self.quote('redshift_rpu_hour')}",
                   ("redshift_rpu_hour",))

    def _cloudwatch(self) -> None:
        from producer.catalog import DEVICE_TYPES

        c = self.counts
        job_metrics = 1 + len(DEVICE_TYPES)
        s3_metrics = c.s3_metric_filters * self.limit("s3_request_metrics_per_filter")
        metrics = job_metrics + s3_metrics
        paid_dashboards = max(0, c.dashboards - self.limit("cloudwatch_free_dashboards"))
        log_gb = self.s.log_gb_per_day
        retention = c.flink_log_retention_days
        puts = job_metrics * 1440 * DAYS_PER_MONTH
        month = (metrics * self.price("cloudwatch_metric_month")
                 + c.alarm_metrics * self.price("cloudwatch_alarm_metric_month")
                 + paid_dashboards * self.price("cloudwatch_dashboard_month")
                 + log_gb * DAYS_PER_MONTH * self.price("cloudwatch_logs_gb_ingested")
                 + log_gb * retention * self.price("cloudwatch_logs_gb_month")
                 + puts / 1000 * self.price("cloudwatch_put_metric_thousand"))
        self.add("operations.cloudwatch_alarm_metrics", "CloudWatch: alarm metrics", c.alarm_metrics, "",
                 f"{c.alarms} alarms in the template, billed by the metrics they read: one each, one per metric in "
                 f"a math expression, and 3 for each of the {c.anomaly_bands} metric(s) watched through an anomaly "
                 f"detection band ({c.anomaly_detectors} detector)")
        self.add("operations.cloudwatch_custom_metrics", "CloudWatch: custom metrics", metrics, "",
                 f"PlayStarts from the job: the total and one per device type ({len(DEVICE_TYPES)}, "
                 f"producer/catalog.py) = {job_metrics}; and {c.s3_metric_filters} S3 request-metric filter(s) x "
                 f"{self.limit('s3_request_metrics_per_filter'):g} metrics = {s3_metrics:g}")
        self._cost("cloudwatch", "CloudWatch", month,
                   f"{metrics:g} custom metrics; {c.alarm_metrics} alarm metrics (the free tier's "
                   f"{self.limit('cloudwatch_free_alarm_metrics'):g} not taken off: other alarms of the account use "
                   f"it); {c.dashboards} dashboard(s), {paid_dashboards:g} beyond the 3 free; {log_gb:g} GB of logs "
                   f"ingested a day (an assumption: --log-gb-per-day) kept {retention} days (the streaming job's log "
                   f"group, template); {puts:,.0f} PutMetricData requests (one a minute per metric at most); "
                   + self.quote(*CLOUDWATCH_PRICES), CLOUDWATCH_PRICES)

    def _kms(self) -> None:
        keys = self.counts.kms_keys
        rotations = self.s.months // 12  # EnableKeyRotation: a backing key a year, each billed like a key
        credentials = self.kpus + PRODUCER_CREDENTIALS
        requests = credentials * self.limit("kinesis_kms_calls_per_credential_hour") * HOURS_PER_MONTH
        billed = max(0.0, requests - self.limit("kms_free_requests_month"))
        month = keys * (1 + rotations) * self.price("kms_key_month") + billed / 10_000 * self.price("kms_10k_requests")
        self._cost("kms", "KMS", month,
                   f"{keys} customer managed key(s) in the template (PlatformKey: alerts, secrets, logs, Glue), each "
                   f"+{rotations} rotated backing key(s) by month {self.s.months}; the stream's server-side encryption "
                   f"(alias/aws/kinesis by default: no key charge) calls KMS ~"
                   f"{self.limit('kinesis_kms_calls_per_credential_hour'):g} times an hour per credential: the job's "
                   f"{self.kpus:,} KPUs + {PRODUCER_CREDENTIALS} producer credentials (an assumption) = "
                   f"{requests:,.0f} requests a month, {billed:,.0f} beyond the free 20,000; with KmsKeyArn set (a "
                   f"customer key for the stream and the lake), +$1 a month for it and S3's requests, which bucket "
                   f"keys (on in the template) keep few; {self.quote('kms_key_month', 'kms_10k_requests')}",
                   ("kms_key_month", "kms_10k_requests"))
