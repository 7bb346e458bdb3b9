"""The Spark session: a small local one for development and tests, and the settings every job needs.

``job_settings`` are applied at run time to whatever session a job gets (Glue's or the local one),
so the scripts behave the same on both.
"""

from __future__ import annotations

import contextlib
import os
from typing import Iterator

from pyspark.sql import SparkSession

# Runtime SQL settings every job relies on, on Glue as locally.
JOB_SETTINGS: dict[str, str] = {
    # dt/hr are partition *directories*; read them as the strings they are ("07", not 7).
    "spark.sql.sources.partitionColumnTypeInference.enabled": "false",
    # A rerun for a dt replaces that dt's partition only.
    "spark.sql.sources.partitionOverwriteMode": "dynamic",
    # Every timestamp in the lake is UTC.
    "spark.sql.session.timeZone": "UTC",
    # Standard INT64 timestamps in the curated zone (Athena, Redshift COPY and DuckDB read them).
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
}

# Static settings of the local session: small, quiet, loopback only.
LOCAL_SETTINGS: dict[str, str] = {
    "spark.sql.shuffle.partitions": "4",
    "spark.default.parallelism": "4",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
}


def apply_job_settings(spark: SparkSession) -> SparkSession:
    for key, value in JOB_SETTINGS.items():
        spark.conf.set(key, value)
    return spark


def local_session(app_name: str = "streamwatch-batch", master: str = "local[*]") -> SparkSession:
    """The process's local session, created on first use (later calls get the same one)."""
    active = SparkSession.getActiveSession()
    if active is not None:
        return apply_job_settings(active)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = SparkSession.builder.master(master).appName(app_name)
    for key, value in {**LOCAL_SETTINGS, **JOB_SETTINGS}.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


@contextlib.contextmanager
def local_spark(app_name: str = "streamwatch-batch") -> Iterator[SparkSession]:
    """A local session for the block; stopped afterwards only if this block started it."""
    existed = SparkSession.getActiveSession() is not None
    spark = local_session(app_name)
    try:
        yield spark
    finally:
        if not existed:
            spark.stop()
