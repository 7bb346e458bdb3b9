"""The CloudFormation template: lint tools, suppression hygiene, naming, the lake contract of
DESIGN §5 in the Glue catalog, the Flink property groups, the Glue jobs, IAM, alarms."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from flink_app.config import parse_property_groups
from streamwatch.aws import packaging
from streamwatch.aws.deploy import referenced_artifacts

REPO_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_TEXT = (REPO_ROOT / "infra" / "cloudformation" / "streamwatch.yaml").read_text(encoding="utf-8")


def resources(template, resource_type=None):
    return {k: v for k, v in template["Resources"].items() if resource_type in (None, v["Type"])}


# ---------------------------------------------------------------- lint tools


def test_cfn_lint_passes_on_every_template(cfn_lint_result):
    assert cfn_lint_result.returncode == 0, cfn_lint_result.stdout + cfn_lint_result.stderr
    assert cfn_lint_result.stdout.strip() == ""


def test_checkov_passes_on_every_template(checkov_report):
    summary = checkov_report["summary"]
    failed = [(c["check_id"], c["resource"]) for c in checkov_report["results"].get("failed_checks", [])]
    assert failed == []
    assert summary["parsing_errors"] == 0
    assert summary["resource_count"] >= 60  # every resource of the template was scanned
    assert summary["passed"] > 100


def _declared_checkov_skips(template):
    for logical_id, resource in template["Resources"].items():
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
            yield logical_id, resource["Type"], skip


def test_every_checkov_suppression_has_a_reason_and_is_needed(template, checkov_report):
    skipped = {(c["check_id"], c["resource"]) for c in checkov_report["results"].get("skipped_checks", [])}
    declared = list(_declared_checkov_skips(template))
    assert declared, "expected the documented suppressions"
    for logical_id, resource_type, skip in declared:
        assert len(skip.get("comment", "").split()) >= 5, f"{logical_id}: suppression {skip['id']} needs a reason"
        # A suppression that checkov no longer needs is stale: remove it.
        assert (skip["id"], f"{resource_type}.{logical_id}") in skipped, f"{logical_id}: {skip['id']} is not needed"


def test_cfn_lint_suppressions_sit_with_a_reason(template):
    for logical_id, resource in template["Resources"].items():
        cfn_lint = resource.get("Metadata", {}).get("cfn-lint", {})
        ignored = cfn_lint.get("config", {}).get("ignore_checks", [])
        if ignored:
            assert len(str(cfn_lint.get("comment", "")).split()) >= 5, f"{logical_id}: ignore_checks needs a comment"


# ---------------------------------------------------------------- naming and parameters


def test_no_hard_coded_account_region_or_partition():
    code = "\n".join(line.split(" #")[0] for line in TEMPLATE_TEXT.splitlines() if not line.lstrip().startswith("#"))
    assert not re.search(r"\b\d{12}\b", code), "an account id"
    assert not re.search(r"\b(us|eu|ap|sa|ca|me|af|il|mx)-(east|west|north|south|central|northeast|southeast)-\d\b", code)
    assert "arn:aws:" not in code, "use arn:${AWS::Partition}:"
    assert not re.search(r"s3://[a-z0-9]", code), "bucket names come from parameters or resources"


NAME_PROPERTIES = {
    "AWS::S3::Bucket": "BucketName", "AWS::Kinesis::Stream": "Name", "AWS::SNS::Topic": "TopicName",
    "AWS::Lambda::Function": "FunctionName", "AWS::StepFunctions::StateMachine": "StateMachineName",
    "AWS::Glue::Job": "Name", "AWS::KinesisAnalyticsV2::Application": "ApplicationName",
    "AWS::Logs::LogGroup": "LogGroupName", "AWS::CloudWatch::Alarm": "AlarmName",
    "AWS::Scheduler::Schedule": "Name", "AWS::RedshiftServerless::Namespace": "NamespaceName",
    "AWS::RedshiftServerless::Workgroup": "WorkgroupName", "AWS::Athena::WorkGroup": "Name",
    "AWS::SecretsManager::Secret": "Name",
}


# Redshift Serverless writes its audit logs to log groups it names per account (/aws/redshift/serverless/<log
# type>); one stack per account owns them (CreateRedshiftLogGroups).
NAMED_BY_THE_SERVICE = {"RedshiftConnectionLogGroup", "RedshiftUserLogGroup", "RedshiftUserActivityLogGroup"}


def test_every_named_resource_is_named_from_project_and_environment(template):
    for logical_id, resource in resources(template).items():
        prop = NAME_PROPERTIES.get(resource["Type"])
        if prop is None:
            continue
        if logical_id in NAMED_BY_THE_SERVICE:
            assert resource["Condition"] == "OwnsRedshiftLogGroups", logical_id
            continue
        value = resource["Properties"][prop]
        assert isinstance(value, dict) and "Fn::Sub" in value, f"{logical_id}.{prop} must be built with !Sub"
        assert "${Project}" in value["Fn::Sub"] and "${Environment}" in value["Fn::Sub"], logical_id


def test_every_referenced_artefact_is_one_that_package_builds(tmp_path):
    expected = {packaging.FLINK_ZIP, packaging.LAMBDA_ZIP, packaging.GLUE_PACKAGE_ZIP, packaging.STATE_MACHINE}
    expected |= {f"glue/jobs/{job}.py" for job in packaging.GLUE_JOBS}
    expected |= {packaging.GLUE_SHELL_WHEEL} | {f"glue/shell_jobs/{job}.py" for job in packaging.GLUE_SHELL_JOBS}
    assert referenced_artifacts(TEMPLATE_TEXT) == expected


# ---------------------------------------------------------------- storage


def test_lake_bucket_is_encrypted_versioned_private_and_expires_transient_zones(template):
    lake = template["Resources"]["LakeBucket"]["Properties"]
    assert lake["VersioningConfiguration"] == {"Status": "Enabled"}
    [encryption] = lake["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    condition, with_key, without = encryption["Fn::If"]
    assert condition == "HasKmsKey" and without == {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
    assert with_key["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": {"Ref": "KmsKeyArn"}}
    assert all(lake["PublicAccessBlockConfiguration"].values())
    rules = {rule["Id"]: rule for rule in lake["LifecycleConfiguration"]["Rules"]}
    for zone, parameter in (("raw/", "RawRetentionDays"), ("dlq/", "DlqRetentionDays"), ("late/", "LateRetentionDays")):
        [rule] = [r for r in rules.values() if r.get("Prefix") == zone]
        assert rule["ExpirationInDays"] == {"Ref": parameter}
    assert not any(r.get("Prefix", "").startswith(("processed", "curated")) for r in rules.values())
    policy = template["Resources"]["LakeBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert any(s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for s in policy)


def test_stream_is_on_demand_by_default_and_encrypted(template):
    stream = template["Resources"]["EventStream"]["Properties"]
    assert template["Parameters"]["StreamMode"]["Default"] == "ON_DEMAND"
    assert stream["StreamModeDetails"] == {"StreamMode": {"Ref": "StreamMode"}}
    assert stream["StreamEncryption"]["EncryptionType"] == "KMS"


def test_stream_retention_gives_an_on_call_a_weekend(template):
    retention = template["Parameters"]["StreamRetentionHours"]
    assert retention["Default"] >= 72 and retention["MinValue"] == 24
    assert template["Resources"]["EventStream"]["Properties"]["RetentionPeriodHours"] == {"Ref": "StreamRetentionHours"}
    from streamwatch.analyses.capacity.sources import template_defaults

    assert template_defaults()["StreamRetentionHours"] == retention["Default"]  # the plan reads this default


def test_an_optional_customer_key_encrypts_stream_buckets_and_namespace_and_the_roles_may_use_it(template):
    parameter = template["Parameters"]["KmsKeyArn"]
    assert parameter["Default"] == ""
    assert template["Conditions"]["HasKmsKey"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "KmsKeyArn"}, ""]}]}
    res = template["Resources"]
    assert res["EventStream"]["Properties"]["StreamEncryption"]["KeyId"] == {
        "Fn::If": ["HasKmsKey", {"Ref": "KmsKeyArn"}, "alias/aws/kinesis"]}
    assert res["RedshiftNamespace"]["Properties"]["KmsKeyId"] == {
        "Fn::If": ["HasKmsKey", {"Ref": "KmsKeyArn"}, {"Ref": "AWS::NoValue"}]}
    for bucket in ("LakeBucket", "QueryResultsBucket"):
        [rule] = res[bucket]["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        assert rule["Fn::If"][1]["ServerSideEncryptionByDefault"]["KMSMasterKeyID"] == {"Ref": "KmsKeyArn"}
    # every role that reads or writes the stream or the lake may use the key when there is one
    granted = {}
    for policy in resources(template, "AWS::IAM::Policy").values():
        assert policy["Condition"] == "HasKmsKey"
        [statement] = policy["Properties"]["PolicyDocument"]["Statement"]
        assert statement["Resource"] == {"Ref": "KmsKeyArn"}
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        for role in policy["Properties"]["Roles"]:
            granted[role["Ref"]] = set(actions)
    assert granted == {"FlinkRole": {"kms:Decrypt", "kms:GenerateDataKey"},
                       "GlueJobRole": {"kms:Decrypt", "kms:GenerateDataKey"},
                       "CompactionJobRole": {"kms:Decrypt", "kms:GenerateDataKey"},
                       "DataQualityFunctionRole": {"kms:Decrypt", "kms:GenerateDataKey"},
                       "RedshiftCopyRole": {"kms:Decrypt"}, "RawDriftCrawlerRole": {"kms:Decrypt"}}


# ---------------------------------------------------------------- catalog (DESIGN §5)

DESIGN_COLUMNS = {
    "sessions": ["session_id", "user_id", "device_id", "device_type", "country", "session_start", "session_end",
                 "duration_ms", "event_count", "play_count", "titles_watched", "watch_time_ms"],
    "title_watch_5m": ["window_start", "window_end", "title_id", "play_starts", "unique_viewers", "watch_time_ms"],
    "daily_user_engagement": ["user_id", "sessions", "devices", "watch_time_ms", "total_session_ms",
                              "first_session_start", "last_session_end"],
    "daily_title_popularity": ["title_id", "play_starts", "watch_time_ms", "peak_5m_viewers", "watch_rank"],
    "daily_device_summary": ["device_type", "country", "sessions", "users", "watch_time_ms", "avg_session_ms"],
    "dim_title": ["title_id", "name", "kind", "genre", "release_year", "runtime_ms"],
    "dlq_records": ["raw", "reason", "received_at", "shard_id", "sequence_number"],
    "stream_progress": ["window_start", "window_end", "titles"],
    "raw_events": ["record", "arrival", "shard_id", "sequence_number"],
    "late_events": ["event_id", "event_type", "event_ts", "user_id", "device_id", "device_type", "country",
                    "title_id", "position_ms", "search_query", "app_version", "sent_at", "schema_version",
                    "received_at"],
}
ZONES = {
    "raw_events": "raw/", "dlq_records": "dlq/", "late_events": "late/", "sessions": "processed/sessions/",
    "title_watch_5m": "processed/title_watch_5m/", "daily_user_engagement": "curated/daily_user_engagement/",
    "daily_title_popularity": "curated/daily_title_popularity/", "daily_device_summary": "curated/daily_device_summary/",
    "dim_title": "curated/dim_title/", "stream_progress": "processed/stream_progress/",
    "play_starts_1m": "processed/play_starts_1m/",
}


def glue_tables(template):
    return {r["Properties"]["TableInput"]["Name"]: r["Properties"]["TableInput"]
            for r in resources(template, "AWS::Glue::Table").values()}


def test_catalog_has_every_lake_table_with_the_design_columns(template):
    tables = glue_tables(template)
    assert set(tables) == set(ZONES)
    for name, columns in DESIGN_COLUMNS.items():
        assert [c["Name"] for c in tables[name]["StorageDescriptor"]["Columns"]] == columns, name
    for name, table in tables.items():
        kinds = {c["Name"]: c["Type"] for c in table["StorageDescriptor"]["Columns"]}
        for column, kind in kinds.items():
            if column.endswith(("_start", "_end")) or column in ("arrival", "received_at"):
                assert kind == "timestamp", (name, column)
            if column.endswith(("_ms", "_count", "_starts", "_viewers")) or column in ("sessions", "devices", "users"):
                assert kind in ("bigint", "double"), (name, column)


def test_catalog_tables_project_their_hive_partitions_under_the_right_zone(template):
    for name, table in glue_tables(template).items():
        hourly = not name.startswith(("daily_", "dim_"))
        keys = [k["Name"] for k in table["PartitionKeys"]]
        assert keys == (["dt", "hr"] if hourly else ["dt"]), name
        params = table["Parameters"]
        assert params["projection.enabled"] == "true"
        assert params["projection.dt.type"] == "date" and params["projection.dt.format"] == "yyyy-MM-dd"
        if hourly:
            assert (params["projection.hr.type"], params["projection.hr.range"], params["projection.hr.digits"]) == ("integer", "0,23", "2")
        location = table["StorageDescriptor"]["Location"]["Fn::Sub"]
        assert location == "s3://${LakeBucket}/" + ZONES[name]
        suffix = "dt=${!dt}/hr=${!hr}/" if hourly else "dt=${!dt}/"
        assert params["storage.location.template"]["Fn::Sub"] == location + suffix
        # every zone is Parquet, raw/ dlq/ and late/ included
        assert table["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"] == \
            "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", name
        assert table["StorageDescriptor"]["InputFormat"] == \
            "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat", name
        assert params["classification"] == "parquet", name


ATHENA_DDL = sorted((REPO_ROOT / "sql" / "athena" / "tables").glob("*.sql"))


@pytest.mark.skipif(not ATHENA_DDL, reason="sql/athena/tables not written yet")
def test_catalog_tables_match_the_athena_ddl_of_sql_athena_tables(template):
    """The tables CloudFormation creates are the ones analysts' DDL describes, column for column."""
    tables = glue_tables(template)

    def athena_type(text):
        return exp.DataType.build(text, dialect="athena").sql("athena")

    ddl_names = set()
    for path in ATHENA_DDL:
        create = sqlglot.parse_one(path.read_text(encoding="utf-8"), read="athena")
        name = create.this.this.name
        ddl_names.add(name)
        columns = [(c.name, c.args["kind"].sql("athena")) for c in create.this.expressions if isinstance(c, exp.ColumnDef)]
        partitions = next(p for p in create.args["properties"].expressions if isinstance(p, exp.PartitionedByProperty))
        keys = [(c.name, c.args["kind"].sql("athena")) for c in partitions.this.expressions]
        table = tables[name]
        assert [(c["Name"], athena_type(c["Type"])) for c in table["StorageDescriptor"]["Columns"]] == columns, path.name
        assert [(k["Name"], athena_type(k["Type"])) for k in table["PartitionKeys"]] == keys, path.name
    assert ddl_names == set(tables)


# ---------------------------------------------------------------- streaming job


_NO_VALUE = object()


def resolve(value, fakes, conditions=None):
    """Template values with Ref/GetAtt/Sub replaced by fake values and Fn::If decided by
    ``conditions`` (default: every condition false), for checks of their shape."""
    conditions = conditions or {}
    if isinstance(value, dict) and len(value) == 1:
        (key, arg), = value.items()
        if key == "Ref":
            return _NO_VALUE if arg == "AWS::NoValue" else fakes[arg]
        if key == "Fn::If":
            return resolve(arg[1] if conditions.get(arg[0], False) else arg[2], fakes, conditions)
        if key == "Fn::GetAtt":
            return fakes[".".join(arg)]
        if key == "Fn::Sub":
            return re.sub(r"\$\{([^}!]+)\}", lambda m: str(fakes[m.group(1)]), arg)
    if isinstance(value, dict):
        resolved = {k: resolve(v, fakes, conditions) for k, v in value.items()}
        return {k: v for k, v in resolved.items() if v is not _NO_VALUE}
    if isinstance(value, list):
        return [v for v in (resolve(v, fakes, conditions) for v in value) if v is not _NO_VALUE]
    return value


def test_flink_property_groups_are_a_valid_job_configuration(template):
    app = template["Resources"]["FlinkApplication"]["Properties"]
    assert app["RuntimeEnvironment"] == "FLINK-1_20"
    fakes = {
        "EventStream.Arn": "arn:aws:kinesis:eu-west-1:111122223333:stream/sw-dev-events", "AWS::Region": "eu-west-1",
        "LakeBucket": "sw-dev-lake", "WatermarkOutOfOrdernessMs": "5000", "CheckpointIntervalMs": "60000",
        "SessionGapMinutes": "30", "Project": "sw", "Environment": "dev", "InitialPosition": "TRIM_HORIZON",
    }
    groups = resolve(app["ApplicationConfiguration"]["EnvironmentProperties"]["PropertyGroups"], fakes)
    config = parse_property_groups(groups, origin="template")  # the job's own parser, unchanged
    assert config.metrics.enabled and config.metrics.application == "sw-dev" and config.metrics.region == "eu-west-1"
    assert config.source.type == "kinesis"
    assert config.source.stream_arn == fakes["EventStream.Arn"]
    assert config.lake_root == "s3://sw-dev-lake"
    run_options = next(g["PropertyMap"] for g in groups if g["PropertyGroupId"] == "kinesis.analytics.flink.run.options")
    assert run_options == {"python": "main.py", "jarfile": f"lib/{packaging.JAR_NAME}"}
    code = app["ApplicationConfiguration"]["ApplicationCodeConfiguration"]
    assert code["CodeContentType"] == "ZIPFILE"
    assert code["CodeContent"]["S3ContentLocation"]["FileKey"] == {"Fn::Sub": "${FlinkArtifactPrefix}/" + packaging.FLINK_ZIP}
    flink = app["ApplicationConfiguration"]["FlinkApplicationConfiguration"]
    assert flink["CheckpointConfiguration"]["CheckpointingEnabled"] is True
    assert flink["ParallelismConfiguration"]["AutoScalingEnabled"] == {"Ref": "FlinkAutoScaling"}


def test_the_processing_group_sets_the_grace_alignment_and_max_parallelism(template):
    """raw/, dlq/ and late/ roll at every checkpoint (no rollover key); the dedup forgets an id a grace
    period after the watermark passed its event time (no TTL key)."""
    groups = template["Resources"]["FlinkApplication"]["Properties"]["ApplicationConfiguration"][
        "EnvironmentProperties"]["PropertyGroups"]
    processing = next(g["PropertyMap"] for g in groups if g["PropertyGroupId"] == "processing")
    assert {key: processing[key] for key in ("dedup.grace.ms", "source.alignment.max-drift.ms",
                                             "source.sync.interval.ms", "max-parallelism")} == {
        "dedup.grace.ms": "60000", "source.alignment.max-drift.ms": "60000", "source.sync.interval.ms": "1000",
        "max-parallelism": "512"}
    assert "dedup.state-ttl.ms" not in processing and "file.rollover.ms" not in processing


def test_the_quality_check_samples_raw_well_under_the_workgroup_cutoff(template):
    cutoff = template["Resources"]["AthenaWorkGroup"]["Properties"]["WorkGroupConfiguration"]["BytesScannedCutoffPerQuery"]
    function = template["Resources"]["DataQualityFunction"]["Properties"]
    sample = int(function["Environment"]["Variables"]["RAW_SAMPLE_BYTES"])
    assert 0 < sample <= cutoff / 10
    queries = 2 * int(function["Environment"]["Variables"]["QUERY_TIMEOUT_SECONDS"])
    assert function["Timeout"] > queries  # the measures and the sample query both fit in one invocation


def test_local_and_deployed_property_groups_have_the_same_keys(template):
    import json

    local = json.loads((REPO_ROOT / "flink_app" / "application_properties.json").read_text())
    deployed = template["Resources"]["FlinkApplication"]["Properties"]["ApplicationConfiguration"]["EnvironmentProperties"]["PropertyGroups"]
    keys = lambda groups: {g["PropertyGroupId"]: set(g["PropertyMap"]) for g in groups}  # noqa: E731
    local_keys, deployed_keys = keys(local), keys(deployed)
    assert set(local_keys) == set(deployed_keys)
    for group, names in local_keys.items():
        assert names <= deployed_keys[group], f"{group}: the stack does not set {sorted(names - deployed_keys[group])}"


# ---------------------------------------------------------------- batch jobs


def spark_jobs(template) -> dict:
    return {k: j for k, j in resources(template, "AWS::Glue::Job").items() if j["Properties"]["Command"]["Name"] == "glueetl"}


def test_glue_jobs_run_the_batch_scripts_on_glue_5(template):
    jobs = spark_jobs(template)
    scripts = set()
    for logical_id, job in jobs.items():
        props = job["Properties"]
        assert props["GlueVersion"] == "5.0", logical_id
        script = props["Command"]["ScriptLocation"]["Fn::Sub"]
        scripts.add(script.rsplit("/", 1)[1])
        args = props["DefaultArguments"]
        for zone in ("processed", "curated", "reference"):
            assert args[f"--{zone}_uri"] == {"Fn::Sub": "s3://${LakeBucket}/" + zone}, logical_id
        assert args["--extra-py-files"] == {"Fn::Sub": "s3://${ArtifactBucket}/${GlueArtifactPrefix}/" + packaging.GLUE_PACKAGE_ZIP}
    assert scripts == {f"{job}.py" for job in packaging.GLUE_JOBS}


# ---------------------------------------------------------------- IAM


ALLOWED_WILDCARD_RESOURCES = {
    # (role, action): why "*" is the only possible resource
    ("GlueJobRole", "cloudwatch:PutMetricData"),  # no resource-level permissions; namespace condition
    ("FlinkRole", "cloudwatch:PutMetricData"),  # the play-starts metrics; namespace condition
    ("StateMachineRole", "redshift-data:DescribeStatement"),  # statement ids; owner condition
    ("LoadStatementsFunctionRole", "redshift-data:DescribeStatement"),  # the schema-version query; owner condition
    ("LoadStatementsFunctionRole", "redshift-data:GetStatementResult"),
    ("StateMachineRole", "redshift-data:CancelStatement"),
    ("StateMachineRole", "logs:CreateLogDelivery"),  # vended-log delivery actions take no resource
    ("StateMachineRole", "logs:GetLogDelivery"),
    ("StateMachineRole", "logs:UpdateLogDelivery"),
    ("StateMachineRole", "logs:DeleteLogDelivery"),
    ("StateMachineRole", "logs:ListLogDeliveries"),
    ("StateMachineRole", "logs:PutResourcePolicy"),
    ("StateMachineRole", "logs:DescribeResourcePolicies"),
    ("StateMachineRole", "logs:DescribeLogGroups"),
}


def _statements(role):
    for policy in role["Properties"].get("Policies", []):
        if "Fn::If" in policy:  # a policy that exists under a condition (HasKmsKey): its statements then
            policy = policy["Fn::If"][1]
        yield from policy["PolicyDocument"]["Statement"]


def test_roles_grant_named_actions_on_named_resources(template):
    for logical_id, role in resources(template, "AWS::IAM::Role").items():
        for statement in _statements(role):
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            assert all("*" not in a.split(":")[1] or a.endswith(("GenerateDataKey*",)) for a in actions), (logical_id, actions)
            if statement["Resource"] == "*":
                for action in actions:
                    assert (logical_id, action) in ALLOWED_WILDCARD_RESOURCES, f"{logical_id}: {action} on *"
                assert "Condition" in statement or logical_id == "StateMachineRole", logical_id
        principal = role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"]
        assert principal, logical_id


def test_flink_can_write_only_the_streaming_zones(template):
    statements = list(_statements(template["Resources"]["FlinkRole"]))
    writes = [s for s in statements if "s3:PutObject" in s["Action"]]
    [write] = writes
    zones = sorted(r["Fn::Sub"].split("/")[1] for r in write["Resource"])
    assert zones == ["dlq", "late", "processed", "raw"]


def test_glue_jobs_write_only_curated(template):
    statements = list(_statements(template["Resources"]["GlueJobRole"]))
    [write] = [s for s in statements if "s3:PutObject" in s["Action"]]
    assert write["Resource"] == {"Fn::Sub": "${LakeBucket.Arn}/curated/*"}


# ---------------------------------------------------------------- alarms and runbook

ALARMS = {
    "StreamIteratorAgeAlarm": ("AWS/Kinesis", "GetRecords.IteratorAgeMilliseconds"),
    "StreamWriteThrottleAlarm": ("AWS/Kinesis", "WriteProvisionedThroughputExceeded"),
    "FlinkDowntimeAlarm": ("AWS/KinesisAnalytics", "downtime"),
    "FlinkCheckpointFailureAlarm": ("AWS/KinesisAnalytics", "numberOfFailedCheckpoints"),
    "FlinkRecordsBehindAlarm": ("AWS/KinesisAnalytics", "millisBehindLatest"),
    "StateMachineFailedAlarm": ("AWS/States", "ExecutionsFailed"),
    "DlqGrowthAlarm": ("AWS/S3", "BytesUploaded"),
    "FlinkNoMetricsAlarm": ("AWS/KinesisAnalytics", "uptime"),
    "FlinkNotReadingAlarm": ("AWS/KinesisAnalytics", "numRecordsInPerSecond"),
    "PlayStartsLowAlarm": ("Streamwatch", "PlayStarts"),
    "PlayStartsStoppedAlarm": ("Streamwatch", "PlayStarts"),
    "DailyBatchNotStartedAlarm": ("AWS/SQS", "ApproximateNumberOfMessagesVisible"),
    "DailyBatchNoSuccessAlarm": ("AWS/States", "ExecutionsSucceeded"),
    "FlinkKpusAtCapAlarm": ("AWS/KinesisAnalytics", "KPUs"),
}


def test_each_alarm_watches_its_metric_and_notifies_the_alert_topic(template):
    alarms = resources(template, "AWS::CloudWatch::Alarm")
    assert set(alarms) == set(ALARMS)
    for logical_id, (namespace, metric) in ALARMS.items():
        props = alarms[logical_id]["Properties"]
        watched = [(props.get("Namespace"), props.get("MetricName"))]
        watched += [(m["MetricStat"]["Metric"]["Namespace"], m["MetricStat"]["Metric"]["MetricName"])
                    for m in props.get("Metrics", []) if "MetricStat" in m]
        assert (namespace, metric) in watched, logical_id
        assert props["AlarmActions"] == [{"Ref": "AlertTopic"}]


def test_the_compaction_job_is_a_python_shell_job_with_pyarrow_and_the_wheel(template):
    [(logical_id, job)] = [(k, j) for k, j in resources(template, "AWS::Glue::Job").items()
                           if j["Properties"]["Command"]["Name"] == "pythonshell"]
    props = job["Properties"]
    assert props["Command"]["PythonVersion"] == "3.9" and props["GlueVersion"] == "3.0"
    assert props["MaxCapacity"] in (0.0625, 1) and 0 < props["Timeout"] <= 240
    args = props["DefaultArguments"]
    assert args["library-set"] == "analytics"  # pyarrow
    assert args["--extra-py-files"] == {"Fn::Sub": "s3://${ArtifactBucket}/${GlueArtifactPrefix}/" + packaging.GLUE_SHELL_WHEEL}
    assert args["--lake_uri"] == {"Fn::Sub": "s3://${LakeBucket}"}


def test_the_compaction_role_touches_only_the_zones_it_compacts(template):
    from batch.compaction import COMPACTED_ZONES, MANIFEST_ROOT

    role = template["Resources"]["CompactionJobRole"]["Properties"]
    [policy] = [p for p in role["Policies"] if p["PolicyName"] == "compact-the-lake"]
    statements = policy["PolicyDocument"]["Statement"]
    [location] = [s for s in statements if s["Action"] == "s3:GetBucketLocation"]
    assert "Condition" not in location
    [listing] = [s for s in statements if s["Action"] == "s3:ListBucket"]
    prefixes = [*COMPACTED_ZONES, MANIFEST_ROOT]
    assert sorted(listing["Condition"]["StringLike"]["s3:prefix"]) == sorted(f"{p}/*" for p in prefixes)
    [objects] = [s for s in statements if isinstance(s["Action"], list) and "s3:DeleteObject" in s["Action"]]
    assert sorted(r["Fn::Sub"] for r in objects["Resource"]) == sorted(f"${{LakeBucket.Arn}}/{p}/*" for p in prefixes)
    text = json.dumps(role)
    for untouchable in ("stream_progress", "curated", "reference"):
        assert untouchable not in text


def test_glue_job_failures_reach_the_alert_topic(template):
    rule = template["Resources"]["GlueJobFailureRule"]["Properties"]
    assert rule["EventPattern"]["detail"]["state"] == ["FAILED", "TIMEOUT", "ERROR"]
    assert {j["Ref"] for j in rule["EventPattern"]["detail"]["jobName"]} == set(resources(template, "AWS::Glue::Job"))
    assert rule["Targets"][0]["Arn"] == {"Ref": "AlertTopic"}


def test_the_runbook_covers_every_alarm_and_the_glue_rule(template):
    runbook = (REPO_ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    for logical_id, alarm in resources(template, "AWS::CloudWatch::Alarm").items():
        name = alarm["Properties"]["AlarmName"]["Fn::Sub"].replace("${Project}-${Environment}-", "")
        assert f"`{name}`" in runbook, f"docs/operations.md does not explain the {name} alarm"
    assert "Glue Job State Change" in runbook


def _evaluate_metric_math(expression: str, values: dict[str, float | None]) -> float:
    """The alarm's expression on one period, with CloudWatch's meaning of IF, FILL and AND (a value
    missing in the period is None; FILL replaces it)."""
    python = (expression.replace("IF(", "_if(").replace("FILL(", "_fill(")
              .replace(" AND ", " and ").replace(" OR ", " or "))
    scope = {"_if": lambda c, a, b: a if c else b, "_fill": lambda v, d: d if v is None else v, **values}
    return eval(python, {"__builtins__": {}}, scope)  # noqa: S307 - our own template's expression


def test_a_silent_flink_job_is_an_alarm_missing_data_breaching(template):
    """Item 5: stopped (no metrics) or running without reading while the stream receives records."""
    alarms = resources(template, "AWS::CloudWatch::Alarm")
    no_metrics = alarms["FlinkNoMetricsAlarm"]["Properties"]
    assert no_metrics["TreatMissingData"] == "breaching"
    assert no_metrics["ComparisonOperator"] == "LessThanOrEqualToThreshold" and no_metrics["Threshold"] == 0
    not_reading = alarms["FlinkNotReadingAlarm"]["Properties"]
    assert not_reading["TreatMissingData"] == "breaching"
    [expression] = [m["Expression"] for m in not_reading["Metrics"] if m.get("ReturnData")]
    threshold = not_reading["Threshold"]
    cases = [  # (records into the stream, records the job read per second) -> alarm?
        ({"incoming": 500.0, "flink_in": None}, True),   # job reports nothing
        ({"incoming": 500.0, "flink_in": 0.0}, True),    # job runs but reads nothing
        ({"incoming": 500.0, "flink_in": 3.2}, False),
        ({"incoming": 0.0, "flink_in": 0.0}, False),     # a quiet stream is no outage
        ({"incoming": None, "flink_in": None}, False),
    ]
    for values, fires in cases:
        assert (_evaluate_metric_math(expression, values) >= threshold) is fires, values
    streams = {m["MetricStat"]["Metric"]["Dimensions"][0]["Value"]["Ref"] for m in not_reading["Metrics"]
               if "MetricStat" in m}
    assert streams == {"EventStream", "FlinkApplication"}


TOTAL_PLAY_STARTS = {"Namespace": "Streamwatch", "MetricName": "PlayStarts",
                     "Dimensions": [{"Name": "Application", "Value": {"Fn::Sub": "${Project}-${Environment}"}}]}


def test_play_starts_low_is_an_anomaly_band_alarm_on_the_total_that_a_thin_minute_does_not_fire(template):
    """Issue 9: the band of an anomaly detector on the job's total play starts, 3 of 5 minutes under it."""
    [detector] = resources(template, "AWS::CloudWatch::AnomalyDetector").values()
    assert detector["Properties"] == {"SingleMetricAnomalyDetector": {**TOTAL_PLAY_STARTS, "Stat": "Maximum"}}
    alarm = template["Resources"]["PlayStartsLowAlarm"]
    assert alarm["DependsOn"] == "PlayStartsAnomalyDetector"  # the alarm's band needs the trained model
    props = alarm["Properties"]
    queries = {m["Id"]: m for m in props["Metrics"]}
    assert queries["plays"]["MetricStat"] == {"Metric": TOTAL_PLAY_STARTS, "Period": 60, "Stat": "Maximum"}
    band = queries["band"]["Expression"]["Fn::Sub"]
    assert band == "ANOMALY_DETECTION_BAND(plays, ${PlayStartsAnomalyBandWidth})"
    assert template["Parameters"]["PlayStartsAnomalyBandWidth"]["Default"] == 3
    assert all(m["ReturnData"] for m in props["Metrics"])  # an anomaly alarm returns the metric and its band
    assert props["ThresholdMetricId"] == "band" and "Threshold" not in props
    assert props["ComparisonOperator"] == "LessThanLowerThreshold"
    assert (props["EvaluationPeriods"], props["DatapointsToAlarm"]) == (5, 3)
    # no datum in a minute is a quiet minute or one not delivered yet, never an outage by itself
    assert props["TreatMissingData"] == "notBreaching"
    assert props["OKActions"] == [{"Ref": "AlertTopic"}]


def test_play_starts_stopped_fires_when_records_arrive_and_no_play_start_is_published(template):
    props = template["Resources"]["PlayStartsStoppedAlarm"]["Properties"]
    queries = {m["Id"]: m for m in props["Metrics"]}
    assert queries["plays"]["MetricStat"]["Metric"] == TOTAL_PLAY_STARTS
    assert queries["incoming"]["MetricStat"]["Metric"]["Dimensions"] == [{"Name": "StreamName", "Value": {"Ref": "EventStream"}}]
    assert {m["MetricStat"]["Period"] for m in props["Metrics"] if "MetricStat" in m} == {300}
    assert (props["EvaluationPeriods"], props["DatapointsToAlarm"]) == (3, 3)  # 15 minutes
    minimum = template["Parameters"]["PlayStartsStoppedMinRecords"]["Default"]
    expression = queries["stopped"]["Expression"]["Fn::Sub"].replace("${PlayStartsStoppedMinRecords}", str(minimum))
    cases = [  # (records into the stream in 5 minutes, play starts published) -> breaching?
        ({"incoming": 90_000.0, "plays": None}, True),    # nothing published at all
        ({"incoming": 90_000.0, "plays": 0.0}, True),
        ({"incoming": 90_000.0, "plays": 12.0}, False),
        ({"incoming": float(minimum - 1), "plays": None}, False),  # too thin to tell (a quiet dev stack)
        ({"incoming": None, "plays": None}, False),
    ]
    for values, fires in cases:
        assert (_evaluate_metric_math(expression, values) >= props["Threshold"]) is fires, values


def test_the_dashboard_shows_play_starts_with_their_band_and_the_new_alarms(template):
    body = template["Resources"]["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    assert '"Streamwatch", "PlayStarts", "Application", "${Project}-${Environment}"' in body
    assert "ANOMALY_DETECTION_BAND(plays, ${PlayStartsAnomalyBandWidth})" in body
    assert "${PlayStartsLowAlarm.Arn}" in body and "${PlayStartsStoppedAlarm.Arn}" in body
    json.loads(re.sub(r"\$\{[^}]+\}", "x", body))  # still valid JSON once substituted


def test_stateful_resources_survive_stack_deletion_and_replacement(template):
    """Retained on delete and on replacement; but a first create that rolls back deletes them
    (RetainExceptOnCreate), so the next try finds no retained bucket or stream blocking its names."""
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] in ("AWS::Kinesis::Stream", "AWS::RedshiftServerless::Namespace", "AWS::S3::Bucket"):
            assert resource.get("DeletionPolicy") == "RetainExceptOnCreate", logical_id
            assert resource.get("UpdateReplacePolicy") == "Retain", logical_id


def test_the_raw_crawler_detects_drift_without_touching_our_tables(template):
    crawler = template["Resources"]["RawDriftCrawler"]["Properties"]
    assert crawler["RecrawlPolicy"] == {"RecrawlBehavior": "CRAWL_NEW_FOLDERS_ONLY"}
    assert crawler["SchemaChangePolicy"] == {"UpdateBehavior": "LOG", "DeleteBehavior": "LOG"}
    assert crawler["DatabaseName"] == {"Ref": "DriftGlueDatabase"} != {"Ref": "GlueDatabase"}
    [target] = crawler["Targets"]["S3Targets"]
    assert target["Path"] == {"Fn::Sub": "s3://${LakeBucket}/raw/"}
    assert target["Exclusions"] == ["**/_*", "**/.*"]  # markers and in-progress files are no data
    assert 1 <= target["SampleSize"] <= 249  # a few Parquet footers of each new folder, not every file
    # its role can write only its own database, never the lake database with the projected tables
    role = template["Resources"]["RawDriftCrawlerRole"]["Properties"]
    text = json.dumps(role)
    assert "${GlueDatabase}" not in text and "${DriftGlueDatabase}" in text
    for table in glue_tables(template).values():
        assert table["Parameters"]["projection.enabled"] == "true"



def test_get_bucket_location_is_granted_without_a_prefix_condition(template):
    """s3:GetBucketLocation carries no s3:prefix key: under a prefix condition it is never granted."""
    granted = set()
    for logical_id, role in resources(template, "AWS::IAM::Role").items():
        for statement in _statements(role):
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            if "s3:GetBucketLocation" in actions:
                assert "s3:prefix" not in json.dumps(statement.get("Condition", {})), logical_id
                granted.add(logical_id)
    assert {"GlueJobRole", "RedshiftCopyRole", "DataQualityFunctionRole", "RawDriftCrawlerRole", "FlinkRole"} <= granted


def test_the_initial_position_is_a_parameter_with_a_timestamp_for_at_timestamp(template):
    assert template["Parameters"]["InitialPosition"]["AllowedValues"] == ["TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"]
    assert template["Parameters"]["InitialPosition"]["Default"] == "TRIM_HORIZON"
    timestamp = template["Parameters"]["InitialTimestamp"]
    pattern = re.compile(timestamp["AllowedPattern"])
    assert all(pattern.match(v) for v in ("", "2026-03-09T18:30:00Z", "2026-03-09T18:30:00.123+01:00"))
    assert not any(pattern.match(v) for v in ("2026-03-09", "yesterday", "2026-03-09 18:30:00"))
    [rule] = template["Rules"].values()
    assert rule["RuleCondition"] == {"Fn::Equals": [{"Ref": "InitialPosition"}, "AT_TIMESTAMP"]}
    groups = template["Resources"]["FlinkApplication"]["Properties"]["ApplicationConfiguration"][
        "EnvironmentProperties"]["PropertyGroups"]
    source = next(g["PropertyMap"] for g in groups if g["PropertyGroupId"] == "source")
    assert source["initial.position"] == {"Ref": "InitialPosition"}
    # the timestamp key is there only with AT_TIMESTAMP, so the job's config sees no unknown key otherwise
    assert source["initial.timestamp"] == {"Fn::If": ["StartsAtTimestamp", {"Ref": "InitialTimestamp"},
                                                      {"Ref": "AWS::NoValue"}]}


def _resolved_source_group(template, position, timestamp):
    fakes = {"EventStream.Arn": "arn:aws:kinesis:eu-west-1:111122223333:stream/sw-dev-events",
             "AWS::Region": "eu-west-1", "LakeBucket": "sw-dev-lake", "WatermarkOutOfOrdernessMs": "5000",
             "CheckpointIntervalMs": "60000", "SessionGapMinutes": "30", "Project": "sw", "Environment": "dev",
             "InitialPosition": position, "InitialTimestamp": timestamp}
    conditions = {"StartsAtTimestamp": position == "AT_TIMESTAMP" and timestamp != ""}
    app = template["Resources"]["FlinkApplication"]["Properties"]
    return resolve(app["ApplicationConfiguration"]["EnvironmentProperties"]["PropertyGroups"], fakes, conditions)


@pytest.mark.parametrize("position", ["TRIM_HORIZON", "LATEST"])
def test_the_job_accepts_the_positions_it_knows(template, position):
    config = parse_property_groups(_resolved_source_group(template, position, ""), origin="template")
    assert config.source.initial_position == position


def test_the_job_accepts_at_timestamp_with_its_timestamp(template):
    groups = _resolved_source_group(template, "AT_TIMESTAMP", "2026-03-09T18:30:00Z")
    source = next(g["PropertyMap"] for g in groups if g["PropertyGroupId"] == "source")
    assert source["initial.timestamp"] == "2026-03-09T18:30:00Z"
    config = parse_property_groups(groups, origin="template")
    assert config.source.initial_position == "AT_TIMESTAMP"


def test_glue_jobs_run_one_at_a_time_and_log_to_groups_that_expire(template):
    jobs = resources(template, "AWS::Glue::Job")
    groups = {r["Properties"]["LogGroupName"]["Fn::Sub"] if isinstance(r["Properties"]["LogGroupName"], dict)
              else r["Properties"]["LogGroupName"]: r for r in resources(template, "AWS::Logs::LogGroup").values()}
    for logical_id, job in jobs.items():
        props = job["Properties"]
        assert props["ExecutionProperty"] == {"MaxConcurrentRuns": 1}, logical_id
        if props["Command"]["Name"] == "pythonshell":
            # Python shell logs to /aws-glue/python-jobs/<security configuration>-role/<role>/{error,output}
            configuration = resources(template, "AWS::Glue::SecurityConfiguration")[props["SecurityConfiguration"]["Ref"]]
            role = props["Role"]["Fn::GetAtt"][0]
            prefix = f"/aws-glue/python-jobs/{configuration['Properties']['Name']['Fn::Sub']}-role/${{{role}}}"
        else:
            prefix = props["DefaultArguments"]["--custom-logGroup-prefix"]["Fn::Sub"]
        for suffix in ("/error", "/output"):
            assert prefix + suffix in groups, (logical_id, suffix)
    crawler_groups = [name for name in groups if name.startswith("/aws-glue/crawlers-role/${RawDriftCrawlerRole}-")]
    assert crawler_groups, "the crawler's log group"
    assert {"/aws/redshift/serverless/connectionlog", "/aws/redshift/serverless/userlog",
            "/aws/redshift/serverless/useractivitylog"} <= set(groups)
    for name, group in groups.items():
        assert 1 <= group["Properties"]["RetentionInDays"] <= 365, name  # every log group of the stack expires
        assert group["Properties"]["KmsKeyId"] == {"Fn::GetAtt": ["PlatformKey", "Arn"]}, name


def test_the_nightly_run_alarms_when_it_did_not_start_or_did_not_succeed_in_26_hours(template):
    res = template["Resources"]
    schedule = res["DailyBatchSchedule"]["Properties"]["Target"]
    assert schedule["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": ["ScheduleDeadLetterQueue", "Arn"]}}
    scheduler = [s for s in _statements(res["SchedulerRole"])]
    assert any(s["Action"] == "sqs:SendMessage" and s["Resource"] == {"Fn::GetAtt": ["ScheduleDeadLetterQueue", "Arn"]}
               for s in scheduler)
    not_started = res["DailyBatchNotStartedAlarm"]["Properties"]
    assert not_started["Dimensions"] == [{"Name": "QueueName",
                                          "Value": {"Fn::GetAtt": ["ScheduleDeadLetterQueue", "QueueName"]}}]
    assert (not_started["Threshold"], not_started["ComparisonOperator"]) == (0, "GreaterThanThreshold")
    no_success = res["DailyBatchNoSuccessAlarm"]["Properties"]
    assert no_success["Period"] * no_success["EvaluationPeriods"] == 26 * 3600
    assert no_success["DatapointsToAlarm"] == no_success["EvaluationPeriods"]  # one success in 26 h clears it
    assert (no_success["Threshold"], no_success["ComparisonOperator"]) == (1, "LessThanThreshold")
    assert no_success["TreatMissingData"] == "breaching"  # an hour without executions is an hour without success
    assert no_success["ActionsEnabled"] == {"Fn::If": ["ScheduleEnabled", True, False]}
    assert no_success["Period"] * no_success["EvaluationPeriods"] <= 7 * 86400  # CloudWatch's limit for hour periods


def test_autoscaling_has_a_kpu_cap_that_alarms(template):
    assert template["Parameters"]["FlinkMaxKpus"]["MaxValue"] <= 64  # the per-application KPU quota
    alarm = template["Resources"]["FlinkKpusAtCapAlarm"]["Properties"]
    assert alarm["Threshold"] == {"Ref": "FlinkMaxKpus"}
    assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert alarm["Dimensions"] == [{"Name": "Application", "Value": {"Ref": "FlinkApplication"}}]


def test_the_day_lock_lambda_can_lock_days_and_ask_about_holders(template):
    res = template["Resources"]
    function = res["DayLockFunction"]["Properties"]
    assert function["Handler"] == "day_lock.handler"
    assert function["Environment"]["Variables"]["LOCK_TABLE"] == {"Ref": "DayLockTable"}
    actions = {a for s in _statements(res["DayLockFunctionRole"])
               for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])}
    assert {"dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:DeleteItem", "states:DescribeExecution"} <= actions
    machine = res["DailyBatchStateMachine"]["Properties"]
    assert machine["DefinitionSubstitutions"]["DayLockFunctionArn"] == {"Fn::GetAtt": ["DayLockFunction", "Arn"]}
    # the execution ARN the role names is the state machine's own name
    [describe] = [s for s in _statements(res["DayLockFunctionRole"]) if s["Action"] == "states:DescribeExecution"]
    assert "${Project}-${Environment}-daily-batch:*" in describe["Resource"]["Fn::Sub"]
    assert machine["StateMachineName"]["Fn::Sub"] == "${Project}-${Environment}-daily-batch"


def test_the_load_lambda_can_wait_for_both_schema_state_queries(template):
    function = template["Resources"]["LoadStatementsFunction"]["Properties"]
    variables = function["Environment"]["Variables"]
    assert function["Timeout"] > 2 * int(variables["QUERY_TIMEOUT_SECONDS"])
    assert variables["MAX_LOAD_CHECKS"] == {"Ref": "LoadWaitChecks"}
    assert {"REDSHIFT_WORKGROUP", "REDSHIFT_DATABASE", "REDSHIFT_SECRET_ARN"} <= set(variables)
