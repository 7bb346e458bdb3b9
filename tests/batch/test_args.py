"""Glue-style arguments, parsed like awsglue's getResolvedOptions (without Glue)."""

from __future__ import annotations

from pathlib import Path

import pytest

from batch.args import JobArgs, JobArgumentError, resolve_job_args, validate_dt

ARGV = ["job.py", "--JOB_NAME", "daily", "--dt", "2024-03-09", "--processed_uri", "s3://lake/processed/",
        "--curated_uri", "s3://lake/curated", "--reference_uri", "s3://lake/reference"]


def test_resolves_the_arguments_and_ignores_the_ones_glue_adds():
    args = resolve_job_args(ARGV + ["--job-bookmark-option", "job-bookmark-disable", "--TempDir", "s3://tmp/"])
    assert args == JobArgs("daily", "2024-03-09", "s3://lake/processed", "s3://lake/curated", "s3://lake/reference")


def test_accepts_the_equals_form():
    argv = ["job.py"] + [f"{name}={value}" for name, value in zip(ARGV[1::2], ARGV[2::2])]
    assert resolve_job_args(argv).dt == "2024-03-09"


def test_a_missing_argument_is_named():
    with pytest.raises(JobArgumentError, match="--processed_uri"):
        resolve_job_args(ARGV[:5] + ARGV[7:])


@pytest.mark.parametrize("bad", ["2024-3-9", "2024-02-30", "20240309", "", "yesterday"])
def test_dt_must_be_a_real_date_in_iso_form(bad):
    with pytest.raises(JobArgumentError, match="YYYY-MM-DD"):
        validate_dt(bad)


def test_for_lake_points_every_zone_into_the_lake(tmp_path):
    args = JobArgs.for_lake(tmp_path, "2024-03-09", "job")
    assert args.processed_uri == (tmp_path / "processed").resolve().as_uri()
    assert args.curated_uri.endswith("/curated") and args.reference_uri.endswith("/reference")
    assert resolve_job_args(["x", *args.as_glue_argv()]) == args


def test_glue_argv_round_trips(tmp_path: Path):
    args = JobArgs.for_lake(tmp_path, "2024-03-10", "j")
    assert resolve_job_args(["script.py", *args.as_glue_argv()]) == args
