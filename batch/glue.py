"""Running one job script: Glue's job lifecycle on Glue, a local Spark session elsewhere."""

from __future__ import annotations

import sys
from typing import Callable, Sequence

from pyspark.sql import SparkSession

from batch.args import JobArgs, glue_available, resolve_job_args
from batch.spark import apply_job_settings, local_spark
from batch.storage import WriteResult

JobFunction = Callable[[SparkSession, JobArgs], WriteResult]


def run_job_script(job: JobFunction, argv: Sequence[str] | None = None) -> WriteResult:
    """Parse the Glue-style arguments and run ``job`` once, on Glue or locally."""
    args = resolve_job_args(sys.argv if argv is None else argv)
    if glue_available():
        return _run_on_glue(job, args, sys.argv if argv is None else argv)
    with local_spark(args.job_name) as spark:
        result = job(spark, args)
    print(_outcome(args.job_name, result))
    return result


def _outcome(job_name: str, result: WriteResult) -> str:
    if result.skipped:
        return f"{job_name}: {result.table} skipped ({result.skipped})"
    note = result.copies_note()
    return f"{job_name}: {result.rows} row(s) -> {result.uri}" + (f" ({note})" if note else "")


def _run_on_glue(job: JobFunction, args: JobArgs, argv: Sequence[str]) -> WriteResult:
    from awsglue.context import GlueContext  # only present on Glue
    from awsglue.job import Job
    from awsglue.utils import getResolvedOptions
    from pyspark.context import SparkContext

    glue_context = GlueContext(SparkContext.getOrCreate())
    spark = apply_job_settings(glue_context.spark_session)
    glue_job = Job(glue_context)
    glue_job.init(args.job_name, getResolvedOptions(list(argv), ["JOB_NAME"]))
    result = job(spark, args)
    print(_outcome(args.job_name, result))  # lands in the job run's log
    glue_job.commit()
    return result
