"""The daily workflow executed by moto's Step Functions interpreter (``execute_state_machine``).

Glue runs, the Lambdas (our real handlers, in-process), the Redshift Data API and SNS are all
moto's; the gaps moto has are filled by tests/infra/moto_workarounds.py, each with its reason.
An SQS queue subscribed to the alert topic receives what an operator would.
"""

from __future__ import annotations

import datetime as dt_
import json
import re
import time

import boto3
import pytest
from moto import mock_aws

from streamwatch.deploy import substitute_definition

REGION = "us-east-1"
ACCOUNT = "123456789012"
DT = "2024-03-09"
JOBS = {
    "DailyUserEngagementJobName": "sw-daily-user-engagement",
    "DailyTitlePopularityJobName": "sw-daily-title-popularity",
    "DailyDeviceSummaryJobName": "sw-daily-device-summary",
    "DimTitleJobName": "sw-dim-title",
}
FUNCTIONS = {"RunDateFunctionArn": "sw-run-date", "LoadStatementsFunctionArn": "sw-load-statements",
             "DataQualityFunctionArn": "sw-data-quality"}
GOOD_MEASURES = {
    "raw_events": 1000, "dlq_records": 3, "sessions": 40, "sessions_watch_time_ms": 900000,
    "title_windows": 25, "title_windows_watch_time_ms": 900000, "user_engagement_rows": 12,
    "user_engagement_sessions": 40, "user_engagement_watch_time_ms": 900000, "title_popularity_rows": 9,
    "title_popularity_watch_time_ms": 900000, "device_summary_rows": 6, "device_summary_sessions": 40,
    "device_summary_watch_time_ms": 900000, "dim_title_rows": 30,
}


def athena_result(measures: dict[str, int]):
    from moto.athena.models import QueryResults

    names = list(measures)
    rows = [{"Data": [{"VarCharValue": n} for n in names]}, {"Data": [{"VarCharValue": str(measures[n])} for n in names]}]
    return QueryResults(rows=rows, column_info=[{"Name": n, "Type": "bigint"} for n in names])


@pytest.fixture()
def workflow(aws_credentials, monkeypatch, moto_workarounds, lambda_module, asl_text):
    """A moto world with the workflow's resources; yields a helper to run one execution."""
    run_date = lambda_module("run_date")
    load_statements = lambda_module("load_statements")
    data_quality = lambda_module("data_quality")
    monkeypatch.setenv("LAKE_URI", "s3://sw-lake")
    monkeypatch.setenv("COPY_ROLE_ARN", f"arn:aws:iam::{ACCOUNT}:role/sw-copy")
    monkeypatch.setenv("ATHENA_WORKGROUP", "sw-wg")
    monkeypatch.setenv("GLUE_DATABASE", "sw_db")
    monkeypatch.setenv("MAX_DLQ_RATIO", "0.01")
    state = {"redshift": ("FINISHED", None), "measures": GOOD_MEASURES}

    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}):
        from moto.athena.models import athena_backends

        calls = moto_workarounds.patch_state_machine_services(
            monkeypatch,
            {"sw-run-date": run_date.handler, "sw-load-statements": load_statements.handler,
             "sw-data-quality": data_quality.handler},
            redshift_outcome=lambda: state["redshift"],
        )
        glue = boto3.client("glue", region_name=REGION)
        for name in JOBS.values():
            glue.create_job(Name=name, Role="arn:aws:iam::123456789012:role/glue",
                            Command={"Name": "glueetl", "ScriptLocation": f"s3://artifacts/{name}.py"})
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="sw-lake")
        for prefix in ("curated/daily_user_engagement", "curated/daily_title_popularity", "processed/sessions/hr=00"):
            s3.put_object(Bucket="sw-lake", Key=f"{prefix.split('/hr=')[0]}/dt={DT}/part-0.parquet", Body=b"x")
        s3.put_object(Bucket="sw-lake", Key=f"curated/daily_device_summary/dt={DT}/_SUCCESS", Body=b"")
        boto3.client("athena", region_name=REGION).create_work_group(Name="sw-wg")
        sns = boto3.client("sns", region_name=REGION)
        topic = sns.create_topic(Name="sw-alerts")["TopicArn"]
        sqs = boto3.client("sqs", region_name=REGION)
        queue_url = sqs.create_queue(QueueName="sw-alert-inbox")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)

        substitutions = {key: f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}" for key, name in FUNCTIONS.items()}
        substitutions |= JOBS | {
            "RedshiftWorkgroupName": "sw-wg", "RedshiftDatabase": "streamwatch",
            "RedshiftSecretArn": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:sw/redshift-admin-AbCdEf",
            "AlertTopicArn": topic,
        }
        sfn = boto3.client("stepfunctions", region_name=REGION)
        machine = sfn.create_state_machine(
            name="sw-daily-batch", roleArn=f"arn:aws:iam::{ACCOUNT}:role/sw-states",
            definition=substitute_definition(asl_text, substitutions),
        )["stateMachineArn"]

        def run(execution_input: dict, measures: dict | None = None, redshift=("FINISHED", None)) -> dict:
            state["redshift"] = redshift
            athena_backends[ACCOUNT][REGION].query_results_queue.append(athena_result(measures or GOOD_MEASURES))
            arn = sfn.start_execution(stateMachineArn=machine, input=json.dumps(execution_input))["executionArn"]
            deadline = time.monotonic() + 60
            while (described := sfn.describe_execution(executionArn=arn))["status"] == "RUNNING":
                assert time.monotonic() < deadline, "execution still RUNNING after 60 s"
                time.sleep(0.1)
            messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
            alerts = [json.loads(m["Body"]) for m in messages]
            runs = {name: glue.get_job_runs(JobName=name)["JobRuns"] for name in JOBS.values()}
            return {"execution": described, "alerts": alerts, "glue_runs": runs, "calls": calls,
                    "history": sfn.get_execution_history(executionArn=arn)["events"]}

        yield run


def test_success_path_runs_every_step_for_the_given_day(workflow):
    result = workflow({"dt": DT})

    assert result["execution"]["status"] == "SUCCEEDED", result["history"][-3:]
    assert json.loads(result["execution"]["output"])["dt"] == DT
    for name, runs in result["glue_runs"].items():
        assert [r["Arguments"].get("--dt") for r in runs] == [DT], name
    functions = [name for name, _ in result["calls"]["lambda"]]
    assert functions == ["sw-run-date", "sw-load-statements", "sw-data-quality"]
    assert result["calls"]["lambda"][2][1] == {"dt": DT}
    [sqls] = result["calls"]["redshift"]
    copies = [sql for sql in sqls if sql.upper().startswith("COPY")]
    # Only the prefixes that hold a data file are copied (_SUCCESS is not one).
    assert len(copies) == 3
    assert all(f"dt={DT}/" in sql and "arn:aws:iam::123456789012:role/sw-copy" in sql for sql in copies)
    code = [re.sub(r"/\*.*?\*/", "", sql, flags=re.S) for sql in sqls]  # the files' header comments name :dt
    assert not any(":dt" in text or ":source_uri" in text or ":iam_role" in text for text in code)
    assert result["alerts"] == []


def test_without_dt_the_workflow_processes_yesterday_utc(workflow):
    result = workflow({})

    assert result["execution"]["status"] == "SUCCEEDED", result["history"][-3:]
    started = result["execution"]["startDate"].astimezone(dt_.timezone.utc).date()
    expected = (started - dt_.timedelta(days=1)).isoformat()
    for runs in result["glue_runs"].values():
        assert runs[0]["Arguments"]["--dt"] == expected


def _alert(result) -> tuple[dict, dict]:
    assert len(result["alerts"]) == 1, result["alerts"]
    envelope = result["alerts"][0]
    return envelope, json.loads(envelope["Message"])


def test_a_failing_glue_run_alerts_with_the_step_and_the_day_then_fails(workflow, moto_workarounds, monkeypatch):
    moto_workarounds.fail_glue_job_runs(monkeypatch, JOBS["DailyTitlePopularityJobName"], "executor lost")

    result = workflow({"dt": DT})

    execution = result["execution"]
    assert execution["status"] == "FAILED"
    envelope, message = _alert(result)
    assert envelope["Subject"] == "streamwatch daily batch failed: Build the daily title popularity table"
    assert message["failed_step"] == "Build the daily title popularity table"
    assert message["dt"] == DT
    assert message["execution"] == execution["executionArn"]
    assert "FAILED" in message["error"]["Cause"]
    assert envelope["MessageAttributes"]["dt"]["Value"] == DT
    # Nothing was loaded after the failure.
    assert result["calls"]["redshift"] == []
    failed = [e for e in result["history"] if e["type"] == "ExecutionFailed"]
    assert failed and failed[0]["executionFailedEventDetails"]["error"] == "DailyBatchFailed"
    assert "Build the daily title popularity table failed for dt 2024-03-09" in failed[0]["executionFailedEventDetails"]["cause"]


def test_a_failed_redshift_load_alerts(workflow):
    result = workflow({"dt": DT}, redshift=("FAILED", "permission denied for relation fact_user_daily"))

    assert result["execution"]["status"] == "FAILED"
    _, message = _alert(result)
    assert message["failed_step"] == "Load the day into Redshift"
    assert message["error"]["Error"] == "Redshift statement FAILED"
    assert "permission denied" in message["error"]["Cause"]
    assert [name for name, _ in result["calls"]["lambda"]] == ["sw-run-date", "sw-load-statements"]


def test_a_failed_quality_check_alerts_with_its_findings(workflow):
    measures = dict(GOOD_MEASURES, user_engagement_watch_time_ms=899000)

    result = workflow({"dt": DT}, measures=measures)

    assert result["execution"]["status"] == "FAILED"
    _, message = _alert(result)
    assert message["failed_step"] == "Check the quality of the day's data"
    assert message["error"]["Error"] == "DataQualityError"
    assert "user_engagement_watch_time_ms=899000" in message["error"]["Cause"]


def test_an_invalid_dt_alerts_before_any_job_runs(workflow):
    result = workflow({"dt": "2024-02-30"})

    assert result["execution"]["status"] == "FAILED"
    _, message = _alert(result)
    assert message["failed_step"] == "Work out which day to process"
    assert message["input"]["dt"] == "2024-02-30"
    assert message["error"]["Error"] == "InvalidRunDate"
    assert all(runs == [] for runs in result["glue_runs"].values())
