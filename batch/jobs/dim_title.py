"""Glue job: curated/dim_title, the dt's snapshot of the producer's title catalog.

Reads <reference_uri>/dim_title.jsonl; a catalog with a missing or repeated title_id or an unknown
kind fails the job with the examples it found. The catalog is optional input (DESIGN §5): a lake
whose events did not come from our producer has none, and then the job writes nothing, says that
dim_title was skipped, and succeeds (the daily tables do not need it).
Glue arguments: --JOB_NAME --dt YYYY-MM-DD --processed_uri --curated_uri --reference_uri.
"""

from __future__ import annotations

from pyspark.sql import SparkSession

from batch import storage, transforms
from batch.args import JobArgs
from batch.glue import run_job_script

TABLE = "dim_title"


class BadCatalogError(ValueError):
    """The title catalog breaks the dim_title contract."""


def run(spark: SparkSession, args: JobArgs) -> storage.WriteResult:
    catalog_uri = storage.title_catalog_uri(args.reference_uri)
    if not storage.uri_exists(spark, catalog_uri):
        return storage.WriteResult(
            table=TABLE, dt=args.dt, rows=0, uri=storage.join_uri(args.curated_uri, TABLE, f"dt={args.dt}"),
            skipped=f"no title catalog at {catalog_uri}",
        )
    catalog = storage.read_title_catalog(spark, args.reference_uri).cache()
    try:
        problems = transforms.catalog_problems(catalog)
        if problems:
            raise BadCatalogError(f"title catalog under {args.reference_uri}: " + "; ".join(problems))
        return storage.write_curated(transforms.dim_title(catalog, args.dt), args.curated_uri, TABLE, args.dt)
    finally:
        catalog.unpersist()


if __name__ == "__main__":
    run_job_script(run)
