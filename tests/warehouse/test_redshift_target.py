"""The Redshift target without a Redshift: the statements it would send (generated back in the
Redshift dialect from the same files), one transaction, settings from the environment."""

from __future__ import annotations

import sqlglot
import pytest
from sqlglot import exp

from warehouse.lake_files import S3Files
from warehouse.loader import load_dt
from warehouse.targets import RedshiftSettings, RedshiftTarget, SettingsError

ENV = {
    "REDSHIFT_HOST": "wg.123.eu-west-1.redshift-serverless.amazonaws.com",
    "REDSHIFT_DATABASE": "dev",
    "REDSHIFT_USER": "admin",
    "REDSHIFT_PASSWORD": "secret",
    "REDSHIFT_COPY_ROLE_ARN": "arn:aws:iam::123456789012:role/copy",
    "STREAMWATCH_LAKE_URI": "s3://lake-bucket/lake",
}


class Cursor:
    def __init__(self, log):
        self.log, self.description = log, [("n",)]

    def execute(self, sql):
        self.log.append(sql)

    def fetchall(self):
        return [(0,)]

    def close(self):
        pass


class Connection:
    autocommit = True

    def __init__(self):
        self.log = []

    def cursor(self):
        return Cursor(self.log)

    def commit(self):
        self.log.append("COMMIT")

    def rollback(self):
        self.log.append("ROLLBACK")

    def close(self):
        pass


class Files:
    def data_files(self, uri):
        return [] if "/processed/sessions/" in uri else [uri + "part-0.parquet"]


def test_settings_come_from_the_environment_and_name_what_is_missing():
    assert RedshiftSettings.from_env(ENV).port == 5439
    with pytest.raises(SettingsError, match="REDSHIFT_PASSWORD, REDSHIFT_COPY_ROLE_ARN"):
        RedshiftSettings.from_env({k: v for k, v in ENV.items() if k not in ("REDSHIFT_PASSWORD",
                                                                             "REDSHIFT_COPY_ROLE_ARN")})
    with pytest.raises(SettingsError, match="s3://"):
        RedshiftSettings.from_env({**ENV, "STREAMWATCH_LAKE_URI": "/tmp/lake"})


def test_a_load_sends_redshift_sql_in_one_transaction():
    connection = Connection()
    target = RedshiftTarget(RedshiftSettings.from_env(ENV), connection=connection, files=Files())
    load_dt(target, "2024-03-09")
    assert connection.autocommit is False
    # Every statement is Redshift SQL (each keeps its file's header comment, which shows in the query log).
    log = [sql if sql == "COMMIT" else sqlglot.parse_one(sql, read="redshift") for sql in connection.log]
    segments, current = [], []
    for item in log:
        if item == "COMMIT":
            segments.append(current)
            current = []
        else:
            current.append(item)
    # reads of the schema state, the schema, then the whole load at once, then the counts of the report
    [load_part] = [segment for segment in segments if any(st.key == "copy" for st in segment)]
    after = segments[segments.index(load_part) + 1:]
    assert all(st.key == "select" for segment in after for st in segment)
    kinds = [statement.key for statement in load_part]
    # each daily fact: clear the day, insert it one row per key; dim_title: one MERGE
    assert kinds.count("copy") == 4 and kinds.count("merge") == 1
    assert kinds.count("delete") == 4 and kinds.count("insert") == 4
    # every family stages in a temporary table of its own session, counted before it is dropped
    created = [st for st in load_part if st.key == "create"]
    assert len(created) == 6 and all(st.find(exp.TemporaryProperty) is not None for st in created)
    assert all("CREATE TEMPORARY TABLE" in st.sql("redshift") for st in created)
    assert sorted(st.find(exp.Table).name for st in load_part if st.key == "drop") == sorted(
        st.this.find(exp.Table).name for st in created)
    copy = next(st for st in load_part if st.key == "copy" and st.this.name == "stg_title_daily")
    assert copy.args["files"][0].this == "s3://lake-bucket/lake/curated/daily_title_popularity/dt=2024-03-09/"
    assert copy.args["credentials"].args["iam_role"].this == ENV["REDSHIFT_COPY_ROLE_ARN"]
    assert "format parquet" in copy.sql("redshift").lower()
    assert not any(st.key == "copy" and st.this.name == "stg_watch_session" for st in load_part)  # no files
    ddl = [st.sql("redshift") for segment in segments[:segments.index(load_part)] for st in segment
           if st.key == "create"]
    assert any("DISTKEY(user_id)" in sql and "COMPOUND SORTKEY(dt, session_start)" in sql for sql in ddl)


def test_a_failed_statement_rolls_back():
    connection = Connection()
    target = RedshiftTarget(RedshiftSettings.from_env(ENV), connection=connection, files=Files())

    def fail(sql):
        raise RuntimeError("boom")

    cursor = Cursor(connection.log)
    cursor.execute = fail
    connection.cursor = lambda: cursor
    with pytest.raises(RuntimeError):
        target.run([exp.select("1")])
    assert connection.log == ["ROLLBACK"]


def test_s3_listing_skips_markers_and_hidden_files():
    class Paginator:
        def paginate(self, Bucket, Prefix):
            assert (Bucket, Prefix) == ("b", "lake/processed/sessions/dt=2024-03-09/")
            keys = ["hr=07/part-0", "hr=07/_SUCCESS", "hr=07/.part-1.inprogress", "hr=08/", "_temporary/x"]
            yield {"Contents": [{"Key": Prefix + k} for k in keys]}

    class Client:
        def get_paginator(self, name):
            return Paginator()

    files = S3Files(Client()).data_files("s3://b/lake/processed/sessions/dt=2024-03-09/")
    assert files == ["s3://b/lake/processed/sessions/dt=2024-03-09/hr=07/part-0"]
