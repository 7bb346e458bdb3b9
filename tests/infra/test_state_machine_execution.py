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

from streamwatch.aws.deploy import substitute_definition

REGION = "us-east-1"
ACCOUNT = "123456789012"
DT = "2024-03-09"
JOBS = {
    "DailyUserEngagementJobName": "sw-daily-user-engagement",
    "DailyTitlePopularityJobName": "sw-daily-title-popularity",
    "DailyDeviceSummaryJobName": "sw-daily-device-summary",
    "DimTitleJobName": "sw-dim-title",
    "CompactionJobName": "sw-compact-day",
}
FUNCTIONS = {"RunDateFunctionArn": "sw-run-date", "LoadStatementsFunctionArn": "sw-load-statements",
             "DataQualityFunctionArn": "sw-data-quality", "StreamProgressFunctionArn": "sw-stream-progress",
             "DayLockFunctionArn": "sw-day-lock"}
# The warehouse as the load Lambda finds it through the Data API: the current layout, nothing to migrate.
CURRENT_WAREHOUSE = {"tables": ["dim_title", "fact_title_daily", "fact_user_daily", "fact_device_daily",
                                "fact_watch_session", "schema_version"], "versions": [2, 3]}
OTHER_EXECUTION = f"arn:aws:states:{REGION}:{ACCOUNT}:execution:sw-daily-batch:someone-else"


class Warehouse:
    """The Data API queries of the load Lambda (moto's statements never finish): answers the state
    queries from ``states``, one state per preparation (the last one repeats)."""

    def __init__(self, states: list[dict]):
        self.states, self.prepared = list(states), 0
        self.sql: dict[str, str] = {}

    def begin(self):
        self.current = self.states[min(self.prepared, len(self.states) - 1)]
        self.prepared += 1

    def execute_statement(self, Sql, **_):
        self.sql[str(len(self.sql))] = Sql
        return {"Id": str(len(self.sql) - 1)}

    def describe_statement(self, Id):
        return {"Status": "FINISHED"}

    def get_statement_result(self, Id, **_):
        values = self.current["versions"] if "schema_version" in self.sql[Id].split("FROM", 1)[-1] else self.current["tables"]
        return {"Records": [[{"stringValue": str(v)}] for v in values]}


class OtherExecutions:
    """Step Functions as the day lock asks it about a holder: another execution still running."""

    def describe_execution(self, executionArn):
        return {"status": "RUNNING" if executionArn == OTHER_EXECUTION else "SUCCEEDED"}
MARKER = "processed/stream_progress/_END_OF_INPUT"
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
    stream_progress = lambda_module("stream_progress")
    day_lock = lambda_module("day_lock")
    monkeypatch.setenv("LAKE_URI", "s3://sw-lake")
    monkeypatch.setenv("COPY_ROLE_ARN", f"arn:aws:iam::{ACCOUNT}:role/sw-copy")
    monkeypatch.setenv("ATHENA_WORKGROUP", "sw-wg")
    monkeypatch.setenv("GLUE_DATABASE", "sw_db")
    monkeypatch.setenv("MAX_DLQ_RATIO", "0.01")
    monkeypatch.setenv("SESSION_GAP_MINUTES", "30")
    monkeypatch.setenv("MAX_STREAM_CHECKS", "1")  # one check: a day not finished fails at once (no 15-min wait)
    monkeypatch.setenv("MAX_LOAD_CHECKS", "2")
    monkeypatch.setenv("LOCK_TABLE", "sw-day-locks")
    for key, value in {"REDSHIFT_WORKGROUP": "sw-wg", "REDSHIFT_DATABASE": "streamwatch",
                       "REDSHIFT_SECRET_ARN": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:sw-AbCdEf"}.items():
        monkeypatch.setenv(key, value)
    state = {"redshift": ("FINISHED", None), "measures": GOOD_MEASURES, "warehouse": Warehouse([CURRENT_WAREHOUSE])}

    def prepare_load(event):
        state["warehouse"].begin()
        return load_statements.handler(event, redshift_data=state["warehouse"])

    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}):
        from moto.athena.models import athena_backends

        calls = moto_workarounds.patch_state_machine_services(
            monkeypatch,
            {"sw-run-date": run_date.handler, "sw-load-statements": prepare_load,
             "sw-data-quality": data_quality.handler, "sw-stream-progress": stream_progress.handler,
             "sw-day-lock": lambda event: day_lock.handler(event, states=OtherExecutions())},
            redshift_outcome=lambda: state["redshift"],
        )
        glue = boto3.client("glue", region_name=REGION)
        for name in JOBS.values():
            glue.create_job(Name=name, Role="arn:aws:iam::123456789012:role/glue",
                            Command={"Name": "glueetl", "ScriptLocation": f"s3://artifacts/{name}.py"})
        boto3.client("dynamodb", region_name=REGION).create_table(
            TableName="sw-day-locks", BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "dt", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "dt", "KeyType": "HASH"}])
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="sw-lake")
        for prefix in ("curated/daily_user_engagement", "curated/daily_title_popularity", "processed/sessions/hr=00"):
            s3.put_object(Bucket="sw-lake", Key=f"{prefix.split('/hr=')[0]}/dt={DT}/part-0.parquet", Body=b"x")
        s3.put_object(Bucket="sw-lake", Key=f"curated/daily_device_summary/dt={DT}/_SUCCESS", Body=b"")
        s3.put_object(Bucket="sw-lake", Key=MARKER, Body=b'{"how": "drained"}')  # the stream has ended
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
            definition=without_long_retry_pauses(substitute_definition(asl_text, substitutions)),
        )["stateMachineArn"]

        def run(execution_input: dict, measures: dict | None = None, redshift=("FINISHED", None), days: int = 1,
                queries: list | None = None, later: list | None = None, warehouse: list | None = None) -> dict:
            """``queries`` answer before the day's measures, ``later`` after them (the raw sample);
            ``warehouse``: the schema states the load finds, one per preparation."""
            state["redshift"] = redshift
            state["warehouse"] = Warehouse(warehouse or [CURRENT_WAREHOUSE])
            for _ in range(days):
                athena_backends[ACCOUNT][REGION].query_results_queue.append(athena_result(measures or GOOD_MEASURES))
            athena_backends[ACCOUNT][REGION].query_results_queue.extend(later or [])
            for extra in queries or []:
                athena_backends[ACCOUNT][REGION].query_results_queue.insert(0, extra)
            arn = sfn.start_execution(stateMachineArn=machine, input=json.dumps(execution_input))["executionArn"]
            deadline = time.monotonic() + 60
            while (described := sfn.describe_execution(executionArn=arn))["status"] == "RUNNING":
                assert time.monotonic() < deadline, "execution still RUNNING after 60 s"
                time.sleep(0.1)
            messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
            alerts = [json.loads(m["Body"]) for m in messages]
            runs = {name: glue.get_job_runs(JobName=name)["JobRuns"] for name in JOBS.values()}
            locks = boto3.client("dynamodb", region_name=REGION).scan(TableName="sw-day-locks")["Items"]
            return {"execution": described, "alerts": alerts, "glue_runs": runs, "calls": calls,
                    "history": sfn.get_execution_history(executionArn=arn)["events"], "s3": s3, "locks": locks}

        yield run


def without_long_retry_pauses(definition: str) -> str:
    """moto's interpreter pauses for real: a retry's interval (two minutes before a failed Glue run
    is tried again) and a Wait state's pause (30 seconds between checks of the load) become one second
    here. Nothing else of the definition changes."""
    tree = json.loads(definition)

    def walk(node):
        if isinstance(node, dict):
            if node.get("Type") == "Wait":
                node["Seconds"] = 1
            for retrier in node.get("Retry", []):
                retrier["IntervalSeconds"] = 1
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(tree)
    return json.dumps(tree)


def test_success_path_runs_every_step_for_the_given_day(workflow):
    result = workflow({"dt": DT})

    assert result["execution"]["status"] == "SUCCEEDED", result["history"][-3:]
    assert json.loads(result["execution"]["output"])["days"] == [DT]
    for name, runs in result["glue_runs"].items():
        assert [r["Arguments"].get("--dt") for r in runs] == [DT], name
    functions = [name for name, _ in result["calls"]["lambda"]]
    # the quality check runs BEFORE the load is prepared: a bad day never reaches the warehouse
    assert functions == ["sw-run-date", "sw-stream-progress", "sw-day-lock", "sw-data-quality", "sw-load-statements",
                         "sw-day-lock"]
    assert result["calls"]["lambda"][1][1] == {"dt": DT, "attempt": 0}
    execution = result["execution"]["executionArn"]
    assert result["calls"]["lambda"][2][1] == {"action": "take", "dt": DT, "execution": execution}
    assert result["calls"]["lambda"][3][1] == {"dt": DT}
    assert result["calls"]["lambda"][5][1] == {"action": "release", "dt": DT, "execution": execution}
    assert result["locks"] == []  # released
    [sqls] = result["calls"]["redshift"]
    copies = [sql for sql in sqls if sql.upper().startswith("COPY")]
    # Only the prefixes that hold a data file are copied (_SUCCESS is not one).
    assert len(copies) == 3
    assert all(f"dt={DT}/" in sql and "arn:aws:iam::123456789012:role/sw-copy" in sql for sql in copies)
    code = [re.sub(r"/\*.*?\*/", "", sql, flags=re.S) for sql in sqls]  # the files' header comments name :dt
    assert not any(":dt" in text or ":source_uri" in text or ":iam_role" in text for text in code)
    assert result["alerts"] == []


def test_without_dt_the_workflow_builds_yesterday_and_rebuilds_the_day_before(workflow):
    result = workflow({}, days=2)

    assert result["execution"]["status"] == "SUCCEEDED", result["history"][-3:]
    started = result["execution"]["startDate"].astimezone(dt_.timezone.utc).date()
    expected = [(started - dt_.timedelta(days=n)).isoformat() for n in (2, 1)]
    for runs in result["glue_runs"].values():
        assert sorted(r["Arguments"]["--dt"] for r in runs) == expected
    # one day at a time: each day's quality check, then its load, before the next day starts
    order = [(name, event.get("dt")) for name, event in result["calls"]["lambda"] if name != "sw-day-lock"]
    assert order == [("sw-run-date", None), ("sw-stream-progress", expected[1]),
                     ("sw-data-quality", expected[0]), ("sw-load-statements", expected[0]),
                     ("sw-data-quality", expected[1]), ("sw-load-statements", expected[1])]
    assert len(result["calls"]["redshift"]) == 2


def test_a_backfill_is_one_execution_loading_one_day_at_a_time(workflow):
    days = ["2024-03-07", "2024-03-08", "2024-03-09"]
    result = workflow({"from": days[0], "to": days[-1]}, days=3)

    assert result["execution"]["status"] == "SUCCEEDED", result["history"][-3:]
    loads = [event["dt"] for name, event in result["calls"]["lambda"] if name == "sw-load-statements"]
    assert loads == days
    # each load is its own batch, staging in temporary tables of its own session
    assert len(result["calls"]["redshift"]) == 3
    for sqls in result["calls"]["redshift"]:
        creates = [sql for sql in sqls if "CREATE TEMPORARY TABLE" in sql.upper()]
        assert len(creates) == 6  # five staging tables, and the titles de-duplicated for the MERGE


def test_a_day_the_stream_has_not_finished_fails_saying_how_far_it_is(workflow):
    result = workflow_without_marker(workflow)

    assert result["execution"]["status"] == "FAILED"
    _, message = _alert(result)
    assert message["failed_step"] == "Check whether the stream has finished the days"
    assert message["dt"] == DT
    assert message["error"]["Error"] == "StreamNotFinished"
    assert "2024-03-09T23:05:00.000Z" in message["error"]["Cause"]  # how far the stream is
    assert "2024-03-10T00:30:00.000Z" in message["error"]["Cause"]  # what would complete the day
    assert all(runs == [] for runs in result["glue_runs"].values())  # nothing was built


def workflow_without_marker(workflow):
    import boto3 as _boto3

    _boto3.client("s3", region_name=REGION).delete_object(Bucket="sw-lake", Key=MARKER)
    progress = athena_text_result({"max_window_end": "2024-03-09 23:05:00.000"})
    return workflow({"dt": DT}, queries=[progress])


def athena_text_result(values: dict[str, str]):
    from moto.athena.models import QueryResults

    names = list(values)
    rows = [{"Data": [{"VarCharValue": n} for n in names]}, {"Data": [{"VarCharValue": values[n]} for n in names]}]
    return QueryResults(rows=rows, column_info=[{"Name": n, "Type": "varchar"} for n in names])


def sample_result(fields: dict[str, int], sampled: int):
    """What Athena answers to the raw sample query: records per top-level field."""
    from moto.athena.models import QueryResults

    names = ("field_name", "records", "sampled_records")
    rows = [{"Data": [{"VarCharValue": n} for n in names]}]
    rows += [{"Data": [{"VarCharValue": f}, {"VarCharValue": str(n)}, {"VarCharValue": str(sampled)}]}
             for f, n in fields.items()]
    return QueryResults(rows=rows, column_info=[{"Name": n, "Type": "varchar"} for n in names])


def test_fields_clients_started_sending_are_reported_and_the_day_still_loads(workflow):
    import boto3 as _boto3

    # a data file of the day's raw zone (its bytes are Athena's to read), so the check samples it
    _boto3.client("s3", region_name=REGION).put_object(
        Bucket="sw-lake", Key=f"raw/dt={DT}/hr=10/part-0", Body=b"PAR1" + b"\0" * 100 + b"PAR1")
    fields = {"event_id": 1, "event_type": 1, "user_id": 1, "ab_test_group": 1}
    result = workflow({"dt": DT}, later=[sample_result(fields, sampled=1)])

    assert result["execution"]["status"] == "SUCCEEDED", result["history"][-3:]
    assert len(result["alerts"]) == 1
    notice = result["alerts"][0]
    assert notice["Subject"] == "streamwatch: clients send fields the event contract does not know"
    assert "ab_test_group (1 records)" in notice["Message"]
    assert len(result["calls"]["redshift"]) == 1


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
    # Nothing was checked or loaded after the failure; the failed run was retried once by the workflow.
    assert result["calls"]["redshift"] == []
    assert len(result["glue_runs"][JOBS["DailyTitlePopularityJobName"]]) == 2
    failed = [e for e in result["history"] if e["type"] == "ExecutionFailed"]
    assert failed and failed[0]["executionFailedEventDetails"]["error"] == "DailyBatchFailed"
    assert "Build the daily title popularity table failed for dt 2024-03-09" in failed[0]["executionFailedEventDetails"]["cause"]


def test_the_day_is_compacted_after_taking_the_lock_and_before_the_build(workflow):
    result = workflow({"dt": DT})

    entered = [e["stateEnteredEventDetails"]["name"] for e in result["history"] if "stateEnteredEventDetails" in e]
    assert entered.index("Take the lock on the day") < entered.index("Compact the day's files") \
        < entered.index("Build the curated tables for the day")
    assert [r["Arguments"].get("--dt") for r in result["glue_runs"][JOBS["CompactionJobName"]]] == [DT]


def test_a_failing_compaction_alerts_releases_the_lock_and_builds_nothing(workflow, moto_workarounds, monkeypatch):
    moto_workarounds.fail_glue_job_runs(monkeypatch, JOBS["CompactionJobName"], "out of memory")

    result = workflow({"dt": DT})

    assert result["execution"]["status"] == "FAILED"
    envelope, message = _alert(result)
    assert message["failed_step"] == "Compact the day's files" and message["dt"] == DT
    assert len(result["glue_runs"][JOBS["CompactionJobName"]]) == 2  # retried once by the workflow (safe: rerunnable)
    for key, name in JOBS.items():
        if key != "CompactionJobName":
            assert result["glue_runs"][name] == [], name
    assert result["calls"]["redshift"] == []
    assert result["locks"] == []  # released after the failure
    assert [n for n, _ in result["calls"]["lambda"]][-1] == "sw-day-lock"


def test_a_failed_redshift_load_alerts(workflow):
    result = workflow({"dt": DT}, redshift=("FAILED", "permission denied for relation fact_user_daily"))

    assert result["execution"]["status"] == "FAILED"
    _, message = _alert(result)
    assert message["failed_step"] == "Load the day into Redshift"
    assert message["error"]["Error"] == "Redshift statement FAILED"
    assert "permission denied" in message["error"]["Cause"]
    assert [name for name, _ in result["calls"]["lambda"] if name != "sw-day-lock"] == [
        "sw-run-date", "sw-stream-progress", "sw-data-quality", "sw-load-statements"]
    assert result["locks"] == []  # a failed day releases its lock


def test_a_failed_quality_check_alerts_with_its_findings(workflow):
    measures = dict(GOOD_MEASURES, user_engagement_watch_time_ms=899000)

    result = workflow({"dt": DT}, measures=measures)

    assert result["execution"]["status"] == "FAILED"
    _, message = _alert(result)
    assert message["failed_step"] == "Check the quality of the day's data"
    assert message["dt"] == DT
    assert message["error"]["Error"] == "DataQualityError"
    assert "user_engagement_watch_time_ms=899000" in message["error"]["Cause"]
    assert result["calls"]["redshift"] == []  # the bad day never reached the warehouse


def test_an_invalid_dt_alerts_before_any_job_runs(workflow):
    result = workflow({"dt": "2024-02-30"})

    assert result["execution"]["status"] == "FAILED"
    _, message = _alert(result)
    assert message["failed_step"] == "Work out which days to process"
    assert message["input"]["dt"] == "2024-02-30"
    assert message["error"]["Error"] == "InvalidRunDate"
    assert all(runs == [] for runs in result["glue_runs"].values())


def test_a_day_another_running_execution_holds_waits_then_fails_naming_it(workflow):
    import boto3 as _boto3

    _boto3.client("dynamodb", region_name=REGION).put_item(
        TableName="sw-day-locks", Item={"dt": {"S": DT}, "execution": {"S": OTHER_EXECUTION}})
    result = workflow({"dt": DT})

    assert result["execution"]["status"] == "FAILED"
    _, message = _alert(result)
    assert message["failed_step"] == "Take the lock on the day"
    assert message["error"]["Error"] == "DayLocked" and OTHER_EXECUTION in message["error"]["Cause"]
    takes = [event for name, event in result["calls"]["lambda"] if name == "sw-day-lock"]
    assert len(takes) > 1 and all(event["action"] == "take" for event in takes)  # it waited, then gave up
    assert all(runs == [] for runs in result["glue_runs"].values())  # nothing was built
    assert [item["execution"]["S"] for item in result["locks"]] == [OTHER_EXECUTION]  # not released: not its lock


def test_a_load_that_does_not_finish_is_cancelled_and_alerts(workflow):
    result = workflow({"dt": DT}, redshift=("STARTED", None))

    assert result["execution"]["status"] == "FAILED"
    _, message = _alert(result)
    assert message["failed_step"] == "Load the day into Redshift"
    assert message["error"]["Error"] == "LoadTimedOut"
    assert "after 2 checks" in message["error"]["Cause"]
    cancels = [e for e in result["history"] if e["type"] == "TaskScheduled"
               and "cancelStatement" in json.dumps(e["taskScheduledEventDetails"])]
    assert len(cancels) == 1
    assert result["locks"] == []


def test_pending_migrations_run_as_their_own_batch_before_the_load(workflow):
    first_layout = {"tables": ["dim_title", "fact_title_daily", "fact_user_daily", "fact_device_daily",
                               "fact_watch_session", "stg_dim_title"], "versions": []}
    result = workflow({"dt": DT}, warehouse=[first_layout, CURRENT_WAREHOUSE])

    assert result["execution"]["status"] == "SUCCEEDED", result["history"][-3:]
    schema, load = result["calls"]["redshift"]
    assert any("INSERT INTO schema_version" in sql for sql in schema)
    assert not any(sql.upper().startswith("COPY") for sql in schema)
    assert any(sql.upper().startswith("COPY") for sql in load)
    prepared = [name for name, _ in result["calls"]["lambda"] if name == "sw-load-statements"]
    assert len(prepared) == 2
