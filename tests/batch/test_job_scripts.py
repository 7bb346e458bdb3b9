"""The job scripts as Glue runs them: a script file with Glue-style arguments. Locally it runs on
its own PySpark; with awsglue importable it goes through GlueContext and Job.init/commit."""

from __future__ import annotations

import runpy
import sys
import types
from pathlib import Path

import pytest

from batch.args import JobArgs
from batch.jobs import JOBS, job_module

REPO = Path(__file__).resolve().parents[2]


def test_every_curated_table_has_a_job_script_named_after_it():
    scripts = sorted(p.stem for p in (REPO / "batch" / "jobs").glob("*.py") if p.stem != "__init__")
    assert scripts == sorted(JOBS)
    for table in JOBS:
        module = job_module(table)
        assert module.TABLE == table and callable(module.run)


def test_a_job_script_runs_as_a_program_with_glue_arguments(spark, fixture_lake, monkeypatch, capsys):
    # The script file itself, as __main__, with Glue's argument form (in this process, so it finds
    # the test session's Spark instead of starting another JVM; it must leave that session running).
    args = JobArgs.for_lake(fixture_lake, "2024-03-10", "daily-title-popularity")
    script = REPO / "batch" / "jobs" / "daily_title_popularity.py"
    monkeypatch.setattr(sys, "argv", [str(script), *args.as_glue_argv(), "--job-bookmark-option", "job-bookmark-disable"])
    runpy.run_path(str(script), run_name="__main__")
    assert "daily-title-popularity: 7 row(s)" in capsys.readouterr().out
    assert (fixture_lake / "curated" / "daily_title_popularity" / "dt=2024-03-10").is_dir()
    assert not spark.sparkContext._jsc.sc().isStopped()


def test_on_glue_the_job_uses_glue_context_and_commits(spark, fixture_lake, monkeypatch):
    calls = []

    class GlueContext:
        def __init__(self, spark_context):
            self.spark_session = spark

    class Job:
        def __init__(self, context):
            calls.append("Job")

        def init(self, name, options):
            calls.append(("init", name, options["JOB_NAME"]))

        def commit(self):
            calls.append("commit")

    def get_resolved_options(argv, names):
        values = dict(zip(argv[1::2], argv[2::2]))
        return {name: values[f"--{name}"] for name in names}

    fake = {
        "awsglue": types.ModuleType("awsglue"),
        "awsglue.context": types.SimpleNamespace(GlueContext=GlueContext),
        "awsglue.job": types.SimpleNamespace(Job=Job),
        "awsglue.utils": types.SimpleNamespace(getResolvedOptions=get_resolved_options),
    }
    for name, module in fake.items():
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.setattr("batch.glue.glue_available", lambda: True)
    monkeypatch.setattr("batch.args.glue_available", lambda: True)
    from batch.glue import run_job_script

    args = JobArgs.for_lake(fixture_lake, "2024-03-09", "glue-dim-title")
    result = run_job_script(job_module("dim_title").run, ["dim_title.py", *args.as_glue_argv()])
    assert result.rows == 8
    assert calls == ["Job", ("init", "glue-dim-title", "glue-dim-title"), "commit"]
    assert not spark.sparkContext._jsc.sc().isStopped()  # Glue owns its session; the job does not stop it


def test_a_bad_catalog_fails_the_job_with_examples(spark, fixture_lake):
    from batch.jobs.dim_title import BadCatalogError

    catalog = fixture_lake / "reference" / "dim_title.jsonl"
    lines = catalog.read_text().splitlines()
    catalog.write_text("\n".join(lines + [lines[0], lines[1].replace('"series"', '"podcast"')]) + "\n")
    with pytest.raises(BadCatalogError, match="title_id repeated: t001.*podcast"):
        job_module("dim_title").run(spark, JobArgs.for_lake(fixture_lake, "2024-03-09", "x"))


def test_no_catalog_skips_dim_title_and_writes_nothing(spark, fixture_lake, capsys):
    """dim_title is optional input (DESIGN §5): without a catalog the job succeeds and says it skipped."""
    from batch.glue import run_job_script

    (fixture_lake / "reference" / "dim_title.jsonl").unlink()
    args = JobArgs.for_lake(fixture_lake, "2024-03-09", "glue-dim-title")
    result = run_job_script(job_module("dim_title").run, ["dim_title.py", *args.as_glue_argv()])
    assert result.rows == 0 and "no title catalog at" in result.skipped and "dim_title.jsonl" in result.skipped
    assert "dim_title skipped (no title catalog at" in capsys.readouterr().out
    assert not (fixture_lake / "curated" / "dim_title").exists()
