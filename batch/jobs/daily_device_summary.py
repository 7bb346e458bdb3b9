"""Glue job: curated/daily_device_summary for one dt, from processed/sessions of that dt.

Glue arguments: --JOB_NAME --dt YYYY-MM-DD --processed_uri --curated_uri --reference_uri.
"""

from __future__ import annotations

import dataclasses

from pyspark.sql import SparkSession

from batch import storage, transforms
from batch.args import JobArgs
from batch.glue import run_job_script

TABLE = "daily_device_summary"


def run(spark: SparkSession, args: JobArgs) -> storage.WriteResult:
    sessions = storage.read_processed(spark, args.processed_uri, "sessions", args.dt)
    result = storage.write_curated(transforms.daily_device_summary(sessions), args.curated_uri, TABLE, args.dt)
    return dataclasses.replace(result, copies=storage.processed_copies(spark, args.processed_uri, "sessions", args.dt))


if __name__ == "__main__":
    run_job_script(run)
