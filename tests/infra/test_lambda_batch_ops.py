"""Unit tests of the Lambda bundle infra/lambda/batch_ops: run_date, load_statements, data_quality."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
import sqlglot
from moto import mock_aws
from sqlglot import exp

from streamwatch.aws.deploy import load_template

REPO_ROOT = Path(__file__).resolve().parents[2]

# ---------------------------------------------------------------- run_date


def test_run_date_takes_a_valid_requested_day(lambda_module):
    run_date = lambda_module("run_date")
    assert run_date.handler({"input": {"dt": "2024-03-09"}, "execution_start": "2024-05-01T02:30:00.000Z"}) == {
        "days": ["2024-03-09"], "last_day": "2024-03-09"}


@pytest.mark.parametrize("start, expected", [
    ("2024-03-10T02:30:00.123Z", ["2024-03-08", "2024-03-09"]),
    ("2024-03-01T00:00:00Z", ["2024-02-28", "2024-02-29"]),             # leap day
    ("2024-03-10T00:30:00+02:00", ["2024-03-07", "2024-03-08"]),        # 22:30 UTC on the 9th
    ("2025-01-01T00:00:00.000+00:00", ["2024-12-30", "2024-12-31"]),
])
def test_run_date_nightly_builds_yesterday_and_rebuilds_the_day_before(lambda_module, start, expected):
    run_date = lambda_module("run_date")
    want = {"days": expected, "last_day": expected[-1]}
    assert run_date.handler({"input": {}, "execution_start": start}) == want
    assert run_date.handler({"execution_start": start}) == want


def test_run_date_takes_a_range_for_a_backfill(lambda_module):
    run_date = lambda_module("run_date")
    got = run_date.handler({"input": {"from": "2024-02-27", "to": "2024-03-02"}, "execution_start": "2024-05-01T00:00:00Z"})
    assert got == {"days": ["2024-02-27", "2024-02-28", "2024-02-29", "2024-03-01", "2024-03-02"],
                   "last_day": "2024-03-02"}
    for bad, message in (({"from": "2024-03-02", "to": "2024-02-27"}, "before from"),
                         ({"from": "2024-01-01", "to": "2024-04-30"}, "more than one execution"),
                         ({"from": "2024-03-01"}, "either dt, or from and to"),
                         ({"dt": "2024-03-01", "to": "2024-03-02"}, "either dt, or from and to"),
                         ({"from": "2024-03-01", "to": "2024-05-02"}, "after the execution")):
        with pytest.raises(run_date.InvalidRunDate, match=message):
            run_date.handler({"input": bad, "execution_start": "2024-05-01T00:00:00Z"})


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
    assert "'2024-03-09'" in statements["load/insert_fact_watch_session"]
    assert "'2024-03-09'" in statements["load/clear_fact_watch_session"]


def test_load_statements_refuse_a_bad_day_and_an_oversized_batch(lambda_module, monkeypatch):
    load = lambda_module("load_statements")
    with pytest.raises(load.LoadPreparationError, match="YYYY-MM-DD"):
        load.statements_for_day("2024-3-9", "s3://lake", "role", FakeLake(set()))
    monkeypatch.setattr(load, "MAX_STATEMENTS", 5)
    with pytest.raises(load.LoadPreparationError, match="more than BatchExecuteStatement's 5"):
        load.statements_for_day("2024-03-09", "s3://lake", "role", FakeLake(set()))


class FakeDataApi:
    """The Redshift Data API as the Lambda uses it: each statement answers the rows given for the
    first query file it runs (by the file's text), after ``polls`` STARTED answers."""

    def __init__(self, answers: dict[str, list[list]], polls: int = 1, status: str = "FINISHED"):
        self.answers, self.polls, self.status = answers, polls, status
        self.sent: list[str] = []
        self.seen: dict[str, int] = {}

    def execute_statement(self, **kwargs):
        assert {"WorkgroupName", "Database", "SecretArn", "Sql"} <= set(kwargs)
        self.sent.append(kwargs["Sql"])
        return {"Id": f"q{len(self.sent)}"}

    def describe_statement(self, Id):
        self.seen[Id] = self.seen.get(Id, 0) + 1
        done = self.seen[Id] > self.polls
        return {"Status": self.status if done else "STARTED", "Error": "relation does not exist"}

    def get_statement_result(self, Id, NextToken=None):
        sql = self.sent[int(Id[1:]) - 1]
        rows = next(rows for marker, rows in self.answers.items() if marker in sql)
        half = len(rows) // 2
        if NextToken is None and half:
            return {"Records": [[{"stringValue": str(v)} for v in r] for r in rows[:half]], "NextToken": "more"}
        rest = rows[half:] if NextToken else rows
        return {"Records": [[{"longValue": v} if isinstance(v, int) else {"stringValue": v} for v in r] for r in rest]}


CURRENT = {"information_schema": [["dim_title"], ["fact_title_daily"], ["fact_user_daily"], ["fact_device_daily"],
                                  ["fact_watch_session"], ["schema_version"]],
           "schema_version": [[2], [3]]}


def _load_environment(monkeypatch):
    monkeypatch.setenv("LAKE_URI", "s3://sw-lake")
    monkeypatch.setenv("COPY_ROLE_ARN", "arn:aws:iam::123456789012:role/copy")
    monkeypatch.setenv("REDSHIFT_WORKGROUP", "sw-wg")
    monkeypatch.setenv("REDSHIFT_DATABASE", "streamwatch")
    monkeypatch.setenv("REDSHIFT_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:sw-AbCdEf")
    monkeypatch.setenv("MAX_LOAD_CHECKS", "7")


def test_load_statements_handler_lists_the_lake_in_s3(lambda_module, aws_credentials, monkeypatch):
    load = lambda_module("load_statements")
    _load_environment(monkeypatch)
    monkeypatch.setattr(load.time, "sleep", lambda s: None)
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="sw-lake")
        s3.put_object(Bucket="sw-lake", Key="curated/dim_title/dt=2024-03-09/part-0.parquet", Body=b"x")
        s3.put_object(Bucket="sw-lake", Key="curated/daily_title_popularity/dt=2024-03-09/_SUCCESS", Body=b"")
        result = load.handler({"dt": "2024-03-09"}, redshift_data=FakeDataApi(CURRENT))
    copies = [n for n in result["names"] if n.startswith("load/copy_")]
    assert copies == ["load/copy_stg_dim_title"]
    assert len(result["sqls"]) == len(result["names"]) <= load.MAX_STATEMENTS
    assert (result["schema_only"], result["max_checks"]) == (False, 7)
    assert json.dumps(result)  # the state machine receives it as JSON


@pytest.mark.parametrize("tables, applied, runs", [
    ([["dim_title"], ["fact_user_daily"], ["stg_dim_title"]], None, [2, 3]),  # the first layout: every migration
    ([["dim_title"], ["fact_user_daily"], ["schema_version"]], [[2]], [3]),  # one applied before
])
def test_a_warehouse_with_pending_migrations_gets_them_alone_first(lambda_module, monkeypatch, tables, applied, runs):
    load = lambda_module("load_statements")
    _load_environment(monkeypatch)
    api = FakeDataApi({"information_schema": tables, "schema_version": applied or []}, polls=0)
    result = load.handler({"dt": "2024-03-09"}, s3=object(), redshift_data=api)
    assert result["schema_only"] is True and len(result["sqls"]) <= load.MAX_STATEMENTS
    records = [n for n in result["names"] if n.endswith("/record_schema_version")]
    assert [int(n.split("/")[1][:4]) for n in records] == runs
    assert not any(n.startswith("load/") for n in result["names"])
    assert result["names"][-1].startswith("views/")  # views come back after the migrations (drop ... cascade)
    # the record of each migration comes right after its own statements, in the same batch
    for version in runs:
        own = [n for n in result["names"] if n.startswith(f"migrations/{version:04d}_")]
        assert own[-1].endswith("/record_schema_version") and len(own) > 1
    assert len(api.sent) == (2 if applied is not None else 1)  # versions read only when the table exists


def test_a_new_warehouse_only_records_the_migrations(lambda_module, monkeypatch):
    load = lambda_module("load_statements")
    state = load.read_schema_state(FakeDataApi({"information_schema": []}), "wg", "db", "arn", 5, sleep=lambda s: None)
    names = [name for name, _ in load.schema_update(state)]
    migrated = [n for n in names if n.startswith("migrations/")]
    assert migrated and all(n.endswith("/record_schema_version") for n in migrated)
    assert load.schema_update(load.read_schema_state(FakeDataApi(CURRENT), "wg", "db", "arn", 5, sleep=lambda s: None)) == []


def test_an_unreadable_schema_state_is_an_error(lambda_module):
    load = lambda_module("load_statements")
    with pytest.raises(load.SchemaStateUnknown, match="relation does not exist"):
        load.read_schema_state(FakeDataApi(CURRENT, status="FAILED"), "wg", "db", "arn", 5, sleep=lambda s: None)
    with pytest.raises(load.SchemaStateUnknown, match="did not finish"):
        load.read_schema_state(FakeDataApi(CURRENT, polls=10**9), "wg", "db", "arn", 0, sleep=lambda s: None)


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
    ({"dlq_records": 20}, "dlq_ratio"),                                   # 20 / 1020 > 1 %
    ({"device_summary_sessions": 39}, "totals"),
    ({"title_popularity_watch_time_ms": 801}, "totals"),
    ({"user_engagement_watch_time_ms": 0}, "totals"),
])
def test_quality_failures_are_found(lambda_module, change, check):
    dq = lambda_module("data_quality")
    failures = dq.evaluate({**GOOD, **change}, max_dlq_ratio=0.01)
    assert check in {f.check for f in failures}, failures


def test_quality_does_not_require_dim_title_which_is_optional(lambda_module):
    dq = lambda_module("data_quality")
    assert dq.evaluate({**GOOD, "dim_title_rows": 0}, max_dlq_ratio=0.01) == []


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
    monkeypatch.setenv("LAKE_URI", "s3://sw-lake")
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="sw-lake")
        report = dq.handler({"dt": "2024-03-09"}, athena=FakeAthena(["SUCCEEDED"], _rows(GOOD)), s3=s3)
    assert report["passed"] is True and report["has_unknown_fields"] is False and report["raw_records_sampled"] == 0


CONTRACT_EVENT = {"event_id": "e", "event_type": "play", "event_ts": "2024-03-09T10:00:00Z", "user_id": "u",
                  "device_id": "d", "device_type": "tv", "country": "DE", "title_id": "t", "position_ms": 0,
                  "schema_version": 1}


class DriftAthena(FakeAthena):
    """Answers the day's measures, and the raw sample query (the one naming "$path") with ``fields``:
    what Athena would count in the sampled records."""

    def __init__(self, measures, fields, sampled):
        super().__init__(["SUCCEEDED"], _rows(measures))
        header = {"Data": [{"VarCharValue": "field_name"}, {"VarCharValue": "records"},
                           {"VarCharValue": "sampled_records"}]}
        self.sample_rows = [header] + [{"Data": [{"VarCharValue": name}, {"VarCharValue": str(n)},
                                                 {"VarCharValue": str(sampled)}]} for name, n in fields.items()]
        self.queries = []

    def start_query_execution(self, **kwargs):
        self.queries.append(kwargs)
        return super().start_query_execution(**kwargs)

    def get_query_results(self, QueryExecutionId):
        if '"$path"' in self.queries[-1]["QueryString"]:
            return {"ResultSet": {"Rows": self.sample_rows}}
        return super().get_query_results(QueryExecutionId)


def _raw_day(s3, sizes_by_hour):
    """Data files of raw/dt=2024-03-09 of the given sizes (their bytes do not matter: Athena reads them),
    plus a marker and an in-progress file that are no data."""
    for hour, sizes in sizes_by_hour.items():
        for n, size in enumerate(sizes):
            s3.put_object(Bucket="sw-lake", Key=f"raw/dt=2024-03-09/hr={hour}/part-{n}", Body=b"x" * size)
        s3.put_object(Bucket="sw-lake", Key=f"raw/dt=2024-03-09/hr={hour}/_SUCCESS", Body=b"")
    s3.put_object(Bucket="sw-lake", Key="raw/dt=2024-03-09/hr=07/.part-9.inprogress", Body=b"x" * 10)


def test_quality_reports_a_field_clients_started_sending(lambda_module, aws_credentials, monkeypatch):
    """Item 10: a field outside the contract in raw/ is reported (not a failure), with how many carry it."""
    dq = lambda_module("data_quality")
    for key, value in {"GLUE_DATABASE": "db", "ATHENA_WORKGROUP": "wg", "LAKE_URI": "s3://sw-lake",
                       "RAW_SAMPLE_BYTES": "1000"}.items():
        monkeypatch.setenv(key, value)
    fields = {name: 5 for name in CONTRACT_EVENT} | {"sent_at": 2, "ab_test_group": 2, "network": 1}
    athena = DriftAthena(GOOD, fields, sampled=5)
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="sw-lake")
        _raw_day(s3, {"07": [300, 200], "08": [100]})
        report = dq.handler({"dt": "2024-03-09"}, athena=athena, s3=s3)
    # the oracle: the fields answered above that are not in the contract's table (sent_at is)
    assert report["unknown_fields"] == {"ab_test_group": 2, "network": 1}
    assert report["has_unknown_fields"] is True and report["raw_records_sampled"] == 5
    assert "ab_test_group (2 records)" in report["unknown_fields_message"]
    # 1000 bytes over two hours: 500 each; hr=07's largest file within 500 is part-0 (300), hr=08's is its only one
    assert (report["raw_files_sampled"], report["raw_bytes_sampled"]) == (2, 400)
    sample = athena.queries[-1]
    assert sample["ExecutionParameters"][:3] == ["'2024-03-09'", "'s3://sw-lake/raw/dt=2024-03-09/hr=07/part-0'",
                                                 "'s3://sw-lake/raw/dt=2024-03-09/hr=08/part-0'"]
    assert len(sample["ExecutionParameters"]) == sample["QueryString"].count("?") == 25
    assert (sample["WorkGroup"], sample["QueryExecutionContext"]) == ("wg", {"Database": "db"})


def test_a_day_without_raw_files_samples_nothing_and_runs_no_query(lambda_module, aws_credentials):
    raw_fields = lambda_module("raw_fields")
    athena = DriftAthena(GOOD, {}, sampled=0)
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="sw-lake")
        drift = raw_fields.unknown_fields_of_day(athena, raw_fields.S3RawListing("s3://sw-lake", s3), "2024-03-09",
                                                 "db", "wg")
    assert (drift.records, drift.unknown_fields, drift.files) == (0, {}, 0) and athena.queries == []


@pytest.mark.parametrize("sizes, budget, chosen", [
    # hour -> file sizes; the files chosen (hour, size), worked by hand from the rule
    ({"00": [10, 40, 60], "01": [30]}, 100, [("00", 40), ("01", 30)]),  # share 50: the largest within it
    ({"00": [80, 90], "01": [30]}, 100, [("00", 80)]),  # nothing within 50: the smallest, while the total fits
    ({"00": [120], "01": [30]}, 100, [("01", 30)]),  # a file larger than the budget is never read
    ({"00": [0, 5]}, 100, [("00", 5)]),  # an empty file holds nothing to sample
    ({}, 100, []),
])
def test_the_sample_is_at_most_one_file_an_hour_within_the_budget(lambda_module, sizes, budget, chosen):
    raw_fields = lambda_module("raw_fields")
    hours = {hour: [raw_fields.DataFile(f"raw/hr={hour}/part-{n}", size) for n, size in enumerate(files)]
             for hour, files in sizes.items()}
    sample = raw_fields.choose_sample(hours, budget)
    assert [(file.key.split("/")[1][3:], file.size) for file in sample] == chosen
    assert sum(file.size for file in sample) <= budget


def test_the_sample_parameters_fill_every_path_slot_and_quote_their_values(lambda_module):
    raw_fields = lambda_module("raw_fields")
    params = raw_fields.sample_parameters("2024-03-09", ["s3://b/raw/a", "s3://b/raw/it's"])
    assert params[:3] == ["'2024-03-09'", "'s3://b/raw/a'", "'s3://b/raw/it''s'"]
    assert params[3:] == ["'s3://b/raw/it''s'"] * (raw_fields.PATH_SLOTS - 2)


def test_the_sample_query_counts_top_level_fields_of_the_records(lambda_module, tmp_path):
    """The sample query's SQL on the local Athena engine over a raw zone written here, with its
    "$path" filter taken out of the tree (the local views have no such column); the counts are
    those of the records written."""
    raw_fields = lambda_module("raw_fields")
    from warehouse.athena import LocalAthena
    from warehouse.sql_files import parse_statement

    from tests.streamwatch.zone_files import write_raw

    records = [CONTRACT_EVENT, {**CONTRACT_EVENT, "ab_test_group": "B"},
               {**CONTRACT_EVENT, "ab_test_group": "A", "network": "5g"}]
    write_raw(tmp_path / "raw" / "dt=2024-03-09" / "hr=07" / "part-0",
              [(json.dumps(r), "2024-03-09T07:00:00Z", None, None) for r in records])
    write_raw(tmp_path / "raw" / "dt=2024-03-10" / "hr=07" / "part-0",
              [(json.dumps({**CONTRACT_EVENT, "other_day": 1}), "2024-03-10T07:00:00Z", None, None)])
    tree = parse_statement(raw_fields.without_comments(raw_fields.SAMPLE_QUERY.read_text()), "athena")
    [path_filter] = [node for node in tree.find_all(exp.In) if node.this.name == "$path"]
    path_filter.replace(exp.true())
    placeholder = next(tree.find_all(exp.Placeholder))
    placeholder.replace(exp.Literal.string("2024-03-09"))
    engine = LocalAthena(tmp_path)
    try:
        rows = engine.execute(tree.sql("athena")).rows
    finally:
        engine.close()
    counts = {field: (n, sampled) for field, n, sampled in rows}
    assert counts["ab_test_group"] == (2, 3) and counts["network"] == (1, 3) and counts["event_id"] == (3, 3)
    assert "other_day" not in counts and len(counts) == len(CONTRACT_EVENT) + 2


def test_the_contract_field_list_matches_the_late_table(lambda_module):
    """late_events holds a late event's contract fields, then received_at; raw_events holds the record as text."""
    from batch.event_contract import EVENT_FIELDS

    late = sqlglot.parse_one((REPO_ROOT / "sql" / "athena" / "tables" / "late_events.sql").read_text()
                             .replace(":location", "'s3://x/'"), read="athena")
    assert tuple(c.name for c in late.this.expressions) == (*EVENT_FIELDS, "received_at")


# ---------------------------------------------------------------- stream_progress


class FakeS3Marker:
    def __init__(self, body=None):
        self.body = body
        self.asked = []

    def get_object(self, Bucket, Key):
        from botocore.exceptions import ClientError

        self.asked.append((Bucket, Key))
        if self.body is None:
            raise ClientError({"Error": {"Code": "NoSuchKey", "Message": "no"}}, "GetObject")
        return {"Body": __import__("io").BytesIO(self.body)}


STREAM_ENV = {"LAKE_URI": "s3://sw-lake/lake", "GLUE_DATABASE": "db", "ATHENA_WORKGROUP": "wg",
              "SESSION_GAP_MINUTES": "30", "MAX_STREAM_CHECKS": "3"}


@pytest.mark.parametrize("max_end, complete", [
    ("2024-03-10 00:29:59.999", False), ("2024-03-10 00:30:00.000", True), (None, False)])
def test_stream_progress_applies_the_rule_to_the_newest_window(lambda_module, max_end, complete):
    sp = lambda_module("stream_progress")
    athena = FakeAthena(["SUCCEEDED"], [{"Data": [{"VarCharValue": "max_window_end"}]},
                                        {"Data": [{"VarCharValue": max_end} if max_end else {}]}])
    s3 = FakeS3Marker()
    got = sp.check("2024-03-09", 0, athena, s3, STREAM_ENV)
    assert got["complete"] is complete and got["attempt"] == 1
    assert s3.asked == [("sw-lake", "lake/processed/stream_progress/_END_OF_INPUT")]
    assert athena.started["ExecutionParameters"] == ["'2024-03-09'"]
    assert "stream_progress" in athena.started["QueryString"]
    if not complete:
        assert "2024-03-10T00:30:00.000Z" in got["progress"]
        assert ("no progress published yet" in got["progress"]) is (max_end is None)


def test_stream_progress_marker_means_complete_without_a_query(lambda_module):
    sp = lambda_module("stream_progress")
    got = sp.check("2024-03-09", 0, None, FakeS3Marker(b'{"how": "drained"}'), STREAM_ENV)
    assert got["complete"] is True and "drained" in got["progress"]


def test_stream_progress_gives_up_after_its_checks_saying_how_far(lambda_module):
    sp = lambda_module("stream_progress")
    rows = [{"Data": [{"VarCharValue": "max_window_end"}]}, {"Data": [{"VarCharValue": "2024-03-09 21:05:00.000"}]}]
    assert sp.check("2024-03-09", 1, FakeAthena(["SUCCEEDED"], rows), FakeS3Marker(), STREAM_ENV)["attempt"] == 2
    with pytest.raises(sp.StreamNotFinished, match=r"2024-03-09T21:05:00.000Z.*after 3 checks"):
        sp.check("2024-03-09", 2, FakeAthena(["SUCCEEDED"], rows), FakeS3Marker(), STREAM_ENV)


def test_stream_progress_query_matches_the_local_rule_on_the_same_lake(tmp_path):
    """The Lambda's Athena SQL over a local lake (local Athena engine) finds the window end the local
    reader finds, so the AWS side and `streamwatch batch` decide alike."""
    import importlib.util

    from batch.stream_progress import read_progress
    from warehouse.athena import LocalAthena

    spec = importlib.util.spec_from_file_location("ct", REPO_ROOT / "tests" / "batch" / "test_completeness.py")
    ct = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ct)
    lake = tmp_path / "lake"
    ct.write_progress(lake, ["2024-03-08T12:00:00", "2024-03-09T23:50:00", "2024-03-10T00:10:00"])
    sql = (REPO_ROOT / "infra" / "lambda" / "batch_ops" / "stream_progress.sql").read_text().replace("?", "'2024-03-09'")
    engine = LocalAthena(lake)
    try:
        [(value,)] = engine.execute(sql).rows
    finally:
        engine.close()
    assert value.replace(tzinfo=None) == read_progress(lake).max_window_end.replace(tzinfo=None)


def test_quality_query_is_athena_sql_over_the_catalog_tables(lambda_module):
    dq = lambda_module("data_quality")
    tree = sqlglot.parse_one(dq.query_text().replace("?", "'2024-03-09'"), read="athena")
    used = {table.name for table in tree.find_all(exp.Table)} - {cte.alias for cte in tree.find_all(exp.CTE)}
    template = load_template((REPO_ROOT / "infra" / "cloudformation" / "streamwatch.yaml").read_text())
    catalog = {r["Properties"]["TableInput"]["Name"] for r in template["Resources"].values() if r["Type"] == "AWS::Glue::Table"}
    assert used <= catalog and {"sessions", "dlq_records", "daily_user_engagement"} <= used
    assert set(tree.named_selects) == set(GOOD)


def test_quality_counts_a_processed_day_written_twice_once(lambda_module, tmp_path):
    """The measures the curated totals are checked against de-duplicate processed/ by key as the Glue
    jobs do (batch/dedup.py): exact copies once, and of differing copies the one with more events."""
    import datetime as dt

    import pyarrow as pa
    import pyarrow.parquet as pq

    from warehouse.athena import LocalAthena

    dq = lambda_module("data_quality")
    start = dt.datetime(2024, 3, 9, 10, 0)
    session = {"session_id": "s1", "user_id": "u1", "device_id": "d1", "device_type": "tv", "country": "US",
               "session_start": start, "session_end": start + dt.timedelta(minutes=10), "duration_ms": 600_000,
               "event_count": 10, "play_count": 1, "titles_watched": 1, "watch_time_ms": 500_000}
    other = {**session, "session_id": "s2", "watch_time_ms": 100_000}
    longer = {**session, "event_count": 11, "session_end": start + dt.timedelta(minutes=11), "watch_time_ms": 560_000}
    window = {"window_start": start, "window_end": start + dt.timedelta(minutes=5), "title_id": "t1",
              "play_starts": 1, "unique_viewers": 1, "watch_time_ms": 300_000}
    sessions = tmp_path / "lake" / "processed" / "sessions" / "dt=2024-03-09" / "hr=10"
    windows = tmp_path / "lake" / "processed" / "title_watch_5m" / "dt=2024-03-09" / "hr=10"
    for directory in (sessions, windows):
        directory.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist([session, other]), sessions / "part-0")
    pq.write_table(pa.Table.from_pylist([session, other, longer]), sessions / "part-0-second-run")
    pq.write_table(pa.Table.from_pylist([window]), windows / "part-0")
    pq.write_table(pa.Table.from_pylist([window]), windows / "part-0-second-run")
    engine = LocalAthena(tmp_path / "lake")
    try:
        rows = engine.execute(dq.query_text().replace("?", "'2024-03-09'"))
    finally:
        engine.close()
    measures = dict(zip(rows.columns, rows.rows[0]))
    assert (measures["sessions"], measures["sessions_watch_time_ms"]) == (2, 560_000 + 100_000)
    assert (measures["title_windows"], measures["title_windows_watch_time_ms"]) == (1, 300_000)


# ---------------------------------------------------------------- day_lock


@pytest.fixture()
def lock_world(lambda_module, aws_credentials):
    """A lock table and a state machine whose executions hold locks (moto)."""
    day_lock = lambda_module("day_lock")
    with mock_aws():
        dynamodb = boto3.resource("dynamodb", region_name="us-east-1")
        table = dynamodb.create_table(TableName="sw-day-locks", BillingMode="PAY_PER_REQUEST",
                                      AttributeDefinitions=[{"AttributeName": "dt", "AttributeType": "S"}],
                                      KeySchema=[{"AttributeName": "dt", "KeyType": "HASH"}])
        states = boto3.client("stepfunctions", region_name="us-east-1")
        machine = states.create_state_machine(
            name="sw-daily-batch", roleArn="arn:aws:iam::123456789012:role/sw-states",
            definition=json.dumps({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": True}}}),
        )["stateMachineArn"]

        def execution() -> str:
            return states.start_execution(stateMachineArn=machine)["executionArn"]

        def call(action, dt, holder):
            return day_lock.handler({"action": action, "dt": dt, "execution": holder}, table=table, states=states)

        yield day_lock, table, states, execution, call


def test_a_day_lock_is_held_by_one_running_execution_at_a_time(lock_world):
    day_lock, table, _states, execution, call = lock_world
    first, second = execution(), execution()
    assert call("take", "2024-03-09", first)["held_by"] == first
    assert call("take", "2024-03-09", first)["held_by"] == first  # a retried take by the holder
    with pytest.raises(day_lock.DayLocked, match=first):
        call("take", "2024-03-09", second)
    assert call("take", "2024-03-10", second)["held_by"] == second  # another day is free
    assert call("release", "2024-03-09", second) == {"dt": "2024-03-09", "released": False}  # not its lock
    assert table.get_item(Key={"dt": "2024-03-09"})["Item"]["execution"] == first
    assert call("release", "2024-03-09", first) == {"dt": "2024-03-09", "released": True}
    assert call("take", "2024-03-09", second)["held_by"] == second


def test_a_lock_left_by_an_execution_that_ended_is_taken_over(lock_world):
    _day_lock, table, states, execution, call = lock_world
    aborted, waiting = execution(), execution()
    call("take", "2024-03-09", aborted)
    states.stop_execution(executionArn=aborted)  # aborted before it could release
    taken = call("take", "2024-03-09", waiting)
    assert taken["took_over_from"] == aborted and taken["previous_status"] == "ABORTED"
    assert table.get_item(Key={"dt": "2024-03-09"})["Item"]["execution"] == waiting


def test_a_lock_request_is_checked(lock_world):
    day_lock, _table, _states, execution, call = lock_world
    with pytest.raises(day_lock.InvalidLockRequest, match="YYYY-MM-DD"):
        call("take", "2024-3-9", execution())
    with pytest.raises(day_lock.InvalidLockRequest, match="take or release"):
        call("steal", "2024-03-09", execution())
