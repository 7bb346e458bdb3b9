"""Unit tests of the Lambda bundle infra/lambda/batch_ops: run_date, load_statements, data_quality."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
import sqlglot
from moto import mock_aws
from sqlglot import exp

from streamwatch.deploy import load_template

REPO_ROOT = Path(__file__).resolve().parents[2]

# ---------------------------------------------------------------- run_date


def test_run_date_takes_a_valid_requested_day(lambda_module):
    run_date = lambda_module("run_date")
    assert run_date.handler({"input": {"dt": "2024-03-09"}, "execution_start": "2024-05-01T02:30:00.000Z"}) == {"dt": "2024-03-09"}


@pytest.mark.parametrize("start, expected", [
    ("2024-03-10T02:30:00.123Z", "2024-03-09"),
    ("2024-03-01T00:00:00Z", "2024-02-29"),             # leap day
    ("2024-03-10T00:30:00+02:00", "2024-03-08"),        # 22:30 UTC on the 9th
    ("2025-01-01T00:00:00.000+00:00", "2024-12-31"),
])
def test_run_date_defaults_to_yesterday_utc_of_the_execution_start(lambda_module, start, expected):
    run_date = lambda_module("run_date")
    assert run_date.handler({"input": {}, "execution_start": start}) == {"dt": expected}
    assert run_date.handler({"execution_start": start}) == {"dt": expected}


@pytest.mark.parametrize("requested, message", [
    ("2024-3-9", "YYYY-MM-DD"), ("2024-02-30", "not a real date"), (20240309, "YYYY-MM-DD"),
    ("2024-03-11", "after the execution"), ("2024-03-09; drop table", "YYYY-MM-DD"),
])
def test_run_date_rejects_bad_days(lambda_module, requested, message):
    run_date = lambda_module("run_date")
    with pytest.raises(run_date.InvalidRunDate, match=message):
        run_date.handler({"input": {"dt": requested}, "execution_start": "2024-03-10T01:00:00Z"})


def test_run_date_rejects_an_input_that_is_not_an_object(lambda_module):
    run_date = lambda_module("run_date")
    with pytest.raises(run_date.InvalidRunDate, match="JSON object"):
        run_date.handler({"input": ["2024-03-09"], "execution_start": "2024-03-10T01:00:00Z"})


# ---------------------------------------------------------------- load_statements


class FakeLake:
    def __init__(self, with_data: set[str]):
        self.with_data = with_data
        self.asked: list[str] = []

    def data_files(self, uri: str) -> list[str]:
        self.asked.append(uri)
        return [uri + "part-0.parquet"] if any(f"/{t}/" in uri for t in self.with_data) else []


def test_load_statements_run_schema_then_each_family_in_plan_order(lambda_module):
    load = lambda_module("load_statements")
    from warehouse import plan

    lake = FakeLake({"daily_user_engagement", "sessions"})
    statements = load.statements_for_day("2024-03-09", "s3://lake", "arn:aws:iam::1:role/copy", lake)
    names = [name for name, _ in statements]
    ddl = [f"ddl/{n}" for n in plan.ddl_names()]
    views = [f"views/{n}" for n in plan.view_names()]
    assert names[: len(ddl) + len(views)] == ddl + views
    loads = [n.split("/", 1)[1] for n in names[len(ddl) + len(views):]]
    expected = []
    for step in plan.LOAD_STEPS:
        expected += [n for n in step.statement_names()
                     if not n.startswith("copy_") or step.source_table in ("daily_user_engagement", "sessions")]
    assert loads == expected
    assert lake.asked == [step.source_uri("s3://lake", "2024-03-09") for step in plan.LOAD_STEPS]


def test_load_statements_bind_the_day_the_source_and_the_role(lambda_module):
    load = lambda_module("load_statements")
    statements = dict(load.statements_for_day("2024-03-09", "s3://lake", "arn:aws:iam::1:role/copy", FakeLake({"sessions"})))
    copy = sqlglot.parse_one(statements["load/copy_stg_watch_session"], read="redshift")
    literals = {node.this for node in copy.find_all(exp.Literal)}
    assert "s3://lake/processed/sessions/dt=2024-03-09/" in literals
    assert "arn:aws:iam::1:role/copy" in literals
    for name, sql in statements.items():
        tree = sqlglot.parse_one(sql, read="redshift")  # each is one valid statement
        assert not list(tree.find_all(exp.Placeholder)), f"{name} still has a parameter"
    merge = statements["load/merge_fact_watch_session"]
    assert "'2024-03-09'" in merge


def test_load_statements_refuse_a_bad_day_and_an_oversized_batch(lambda_module, monkeypatch):
    load = lambda_module("load_statements")
    with pytest.raises(load.LoadPreparationError, match="YYYY-MM-DD"):
        load.statements_for_day("2024-3-9", "s3://lake", "role", FakeLake(set()))
    monkeypatch.setattr(load, "MAX_STATEMENTS", 5)
    with pytest.raises(load.LoadPreparationError, match="more than BatchExecuteStatement's 5"):
        load.statements_for_day("2024-03-09", "s3://lake", "role", FakeLake(set()))


def test_load_statements_handler_lists_the_lake_in_s3(lambda_module, aws_credentials, monkeypatch):
    load = lambda_module("load_statements")
    monkeypatch.setenv("LAKE_URI", "s3://sw-lake")
    monkeypatch.setenv("COPY_ROLE_ARN", "arn:aws:iam::123456789012:role/copy")
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="sw-lake")
        s3.put_object(Bucket="sw-lake", Key="curated/dim_title/dt=2024-03-09/part-0.parquet", Body=b"x")
        s3.put_object(Bucket="sw-lake", Key="curated/daily_title_popularity/dt=2024-03-09/_SUCCESS", Body=b"")
        result = load.handler({"dt": "2024-03-09"})
    copies = [n for n in result["names"] if n.startswith("load/copy_")]
    assert copies == ["load/copy_stg_dim_title"]
    assert len(result["sqls"]) == len(result["names"]) <= load.MAX_STATEMENTS
    assert json.dumps(result)  # the state machine receives it as JSON


# ---------------------------------------------------------------- data_quality

GOOD = {
    "raw_events": 1000, "dlq_records": 5, "sessions": 40, "sessions_watch_time_ms": 900, "title_windows": 25,
    "title_windows_watch_time_ms": 800, "user_engagement_rows": 12, "user_engagement_sessions": 40,
    "user_engagement_watch_time_ms": 900, "title_popularity_rows": 9, "title_popularity_watch_time_ms": 800,
    "device_summary_rows": 6, "device_summary_sessions": 40, "device_summary_watch_time_ms": 900, "dim_title_rows": 30,
}


def test_quality_of_a_consistent_day_passes(lambda_module):
    dq = lambda_module("data_quality")
    assert dq.evaluate(GOOD, max_dlq_ratio=0.01) == []


@pytest.mark.parametrize("change, check", [
    ({"sessions": 0, "user_engagement_sessions": 0, "device_summary_sessions": 0}, "non_empty"),
    ({"dim_title_rows": 0}, "non_empty"),
    ({"dlq_records": 20}, "dlq_ratio"),                                   # 20 / 1020 > 1 %
    ({"device_summary_sessions": 39}, "totals"),
    ({"title_popularity_watch_time_ms": 801}, "totals"),
    ({"user_engagement_watch_time_ms": 0}, "totals"),
])
def test_quality_failures_are_found(lambda_module, change, check):
    dq = lambda_module("data_quality")
    failures = dq.evaluate({**GOOD, **change}, max_dlq_ratio=0.01)
    assert check in {f.check for f in failures}, failures


def test_quality_dlq_ratio_at_the_threshold_passes(lambda_module):
    dq = lambda_module("data_quality")
    assert dq.evaluate({**GOOD, "raw_events": 990, "dlq_records": 10}, max_dlq_ratio=0.01) == []


class FakeAthena:
    def __init__(self, states, rows):
        self.states = list(states)
        self.rows = rows
        self.started = None

    def start_query_execution(self, **kwargs):
        self.started = kwargs
        return {"QueryExecutionId": "q-1"}

    def get_query_execution(self, QueryExecutionId):
        state = self.states.pop(0) if len(self.states) > 1 else self.states[0]
        return {"QueryExecution": {"Status": {"State": state, "StateChangeReason": "boom"}}}

    def get_query_results(self, QueryExecutionId):
        return {"ResultSet": {"Rows": self.rows}}


def _rows(measures):
    return [{"Data": [{"VarCharValue": k} for k in measures]}, {"Data": [{"VarCharValue": str(v)} for v in measures.values()]}]


def test_quality_query_is_polled_until_it_succeeds(lambda_module):
    dq = lambda_module("data_quality")
    athena = FakeAthena(["QUEUED", "RUNNING", "SUCCEEDED"], _rows(GOOD))
    sleeps = []
    measures = dq.run_query(athena, dq.query_text(), "2024-03-09", "db", "wg", sleep=sleeps.append)
    assert measures == GOOD
    assert len(sleeps) == 2
    params = athena.started["ExecutionParameters"]
    assert params == ["'2024-03-09'"] * dq.query_text().count("?") and len(params) == 8
    assert athena.started["QueryExecutionContext"] == {"Database": "db"} and athena.started["WorkGroup"] == "wg"


def test_quality_query_failure_and_time_out_are_errors(lambda_module):
    dq = lambda_module("data_quality")
    with pytest.raises(dq.AthenaQueryFailed, match="FAILED: boom"):
        dq.run_query(FakeAthena(["FAILED"], []), "select ?", "2024-03-09", "db", "wg", sleep=lambda s: None)
    with pytest.raises(dq.AthenaQueryNotFinished):
        dq.run_query(FakeAthena(["RUNNING"], []), "select ?", "2024-03-09", "db", "wg", timeout_seconds=0, sleep=lambda s: None)
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        dq.run_query(FakeAthena(["SUCCEEDED"], []), "select ?", "2024-03-09' or '1'='1", "db", "wg")


def test_quality_handler_raises_with_every_finding(lambda_module, monkeypatch):
    dq = lambda_module("data_quality")
    monkeypatch.setenv("GLUE_DATABASE", "db")
    monkeypatch.setenv("ATHENA_WORKGROUP", "wg")
    monkeypatch.setenv("MAX_DLQ_RATIO", "0.001")
    bad = {**GOOD, "title_popularity_rows": 0}
    with pytest.raises(dq.DataQualityError) as raised:
        dq.handler({"dt": "2024-03-09"}, athena=FakeAthena(["SUCCEEDED"], _rows(bad)))
    report = json.loads(str(raised.value))
    assert report["dt"] == "2024-03-09"
    assert {f["check"] for f in report["failures"]} == {"non_empty", "dlq_ratio"}
    monkeypatch.setenv("MAX_DLQ_RATIO", "0.01")
    assert dq.handler({"dt": "2024-03-09"}, athena=FakeAthena(["SUCCEEDED"], _rows(GOOD)))["passed"] is True


def test_quality_query_is_athena_sql_over_the_catalog_tables(lambda_module):
    dq = lambda_module("data_quality")
    tree = sqlglot.parse_one(dq.query_text().replace("?", "'2024-03-09'"), read="athena")
    used = {table.name for table in tree.find_all(exp.Table)} - {cte.alias for cte in tree.find_all(exp.CTE)}
    template = load_template((REPO_ROOT / "infra" / "cloudformation" / "streamwatch.yaml").read_text())
    catalog = {r["Properties"]["TableInput"]["Name"] for r in template["Resources"].values() if r["Type"] == "AWS::Glue::Table"}
    assert used <= catalog and {"sessions", "dlq_records", "daily_user_engagement"} <= used
    assert set(tree.named_selects) == set(GOOD)
