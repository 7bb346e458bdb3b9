"""Reading the processed and reference zones and writing the curated zone, by URI.

URIs are whatever the Hadoop file systems of the session understand: ``s3://`` on Glue,
``file:///`` (or a plain path) locally. Files whose names start with ``_`` or ``.`` (``_SUCCESS``
markers, Flink's in-progress part files, checksum files) are never read: Spark's file index skips
them.
"""

from __future__ import annotations

import dataclasses

from pyspark.sql import DataFrame, SparkSession

from batch import dedup
from batch.schemas import PROCESSED_SCHEMAS, REFERENCE_TITLE_SCHEMA

TITLE_CATALOG_FILE = "dim_title.jsonl"


class MissingInputError(FileNotFoundError):
    """A required input (the title catalog) is not where the job was told to look."""


@dataclasses.dataclass(frozen=True)
class WriteResult:
    """What a job wrote; ``skipped`` says why it wrote nothing (an optional input is absent)."""

    table: str
    dt: str
    rows: int
    uri: str
    skipped: str | None = None
    copies: dedup.Copies = dedup.Copies()  # what was left out of the processed input (batch.dedup)

    def copies_note(self) -> str | None:
        """A line for the job's log when the input held a key more than once."""
        if not self.copies.extra_rows:
            return None
        note = f"{self.copies.extra_rows} duplicate processed row(s) counted once"
        if self.copies.differing_keys:
            note += (f"; {self.copies.differing_keys} key(s) had copies that differ (runs that saw different "
                     "input): kept the copy with the greater measures")
        return note


def join_uri(base: str, *parts: str) -> str:
    return "/".join([base.rstrip("/"), *(part.strip("/") for part in parts)])


def _hadoop_path(spark: SparkSession, uri: str):  # -> (FileSystem, Path) JVM objects
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(uri)
    return path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()), path


def uri_exists(spark: SparkSession, uri: str) -> bool:
    fs, path = _hadoop_path(spark, uri)
    return bool(fs.exists(path))


def read_processed_files(spark: SparkSession, processed_uri: str, table: str, dt: str) -> DataFrame:
    """Every row the files of processed/<table> of one dt hold, copies included, with dt and hr as
    strings from the directories. A dt the streaming job wrote nothing for reads as no rows."""
    schema = PROCESSED_SCHEMAS[table]
    base = join_uri(processed_uri, table)
    partition = join_uri(base, f"dt={dt}")
    if not uri_exists(spark, partition):
        return spark.createDataFrame([], schema)
    frame = spark.read.schema(schema).option("basePath", base).parquet(partition)
    return frame.where(frame["dt"] == dt)


def read_processed(spark: SparkSession, processed_uri: str, table: str, dt: str) -> DataFrame:
    """The rows of processed/<table> of one dt, one per key (``batch.dedup``): a day written twice
    (a restart that read the stream again, an overlapping replay) reads as once."""
    return dedup.one_row_per_key(read_processed_files(spark, processed_uri, table, dt), table)


def processed_copies(spark: SparkSession, processed_uri: str, table: str, dt: str) -> dedup.Copies:
    """What read_processed leaves out of the dt: extra copies, and keys whose copies differ."""
    return dedup.copies(read_processed_files(spark, processed_uri, table, dt), table)


def title_catalog_uri(reference_uri: str) -> str:
    return join_uri(reference_uri, TITLE_CATALOG_FILE)


def read_title_catalog(spark: SparkSession, reference_uri: str) -> DataFrame:
    """The producer's catalog (JSON lines); a malformed line fails the job."""
    uri = title_catalog_uri(reference_uri)
    if not uri_exists(spark, uri):
        raise MissingInputError(f"title catalog not found at {uri} (the producer writes it beside the events)")
    return spark.read.schema(REFERENCE_TITLE_SCHEMA).option("mode", "FAILFAST").json(uri)


def write_curated(frame: DataFrame, curated_uri: str, table: str, dt: str) -> WriteResult:
    """Write one dt of curated/<table>, replacing exactly that dt's partition.

    Rows go through dynamic partition overwrite. A day with no rows still replaces the partition,
    with one empty Parquet file, so a reader (COPY, Athena) sees an empty day rather than an old one.
    """
    base = join_uri(curated_uri, table)
    frame = frame.where(frame["dt"] == dt).coalesce(1).cache()
    try:
        rows = frame.count()
        if rows:
            frame.write.mode("overwrite").partitionBy("dt").parquet(base)
        else:
            frame.drop("dt").write.mode("overwrite").parquet(join_uri(base, f"dt={dt}"))
    finally:
        frame.unpersist()
    return WriteResult(table=table, dt=dt, rows=rows, uri=join_uri(base, f"dt={dt}"))
