"""Glue Python shell job: compact one closed day of the lake (``batch.compaction.compact_day``).

The daily workflow runs it after taking the day's lock and before the Glue jobs that build the
curated tables. Arguments (Glue passes others too, which are ignored):

    --dt YYYY-MM-DD  --lake_uri s3://bucket  [--aws_region eu-west-1]
    [--zones processed/sessions,late,...]  [--target_mb 128]  [--workers 4]

With --aws_region the S3 client is made for that region (no bucket-region lookup, which the job's
role, allowed to list only the compacted zones' prefixes, could not do).

Prints one line per zone (partitions compacted, files and bytes before and after) and the report as
JSON. A failed run is safe to run again: it finishes or undoes what it left (docs/operations.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Sequence


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    from batch.compaction import COMPACTED_ZONES, DEFAULT_TARGET_BYTES, MIB

    parser = argparse.ArgumentParser(prog="compact_day", description=__doc__.splitlines()[0])
    parser.add_argument("--dt", required=True, help="The closed day, YYYY-MM-DD.")
    parser.add_argument("--lake_uri", required=True, help="The lake's root, e.g. s3://bucket.")
    parser.add_argument("--aws_region", default="", help="The lake bucket's region (for an s3:// lake).")
    parser.add_argument("--zones", default=",".join(COMPACTED_ZONES), help="Comma-separated zones.")
    parser.add_argument("--target_mb", type=int, default=DEFAULT_TARGET_BYTES // MIB,
                        help="Largest output file, MiB.")
    parser.add_argument("--workers", type=int, default=4,
                        help="Partitions compacted at once (1 DPU of a Python shell job has 4 vCPU).")
    args, _ignored = parser.parse_known_args(list(argv))
    return args


def main(argv: Sequence[str] | None = None) -> dict:
    from batch.compaction import MIB, compact_day

    args = parse_args(sys.argv[1:] if argv is None else argv)
    zones = [zone.strip() for zone in args.zones.split(",") if zone.strip()]
    root, filesystem = args.lake_uri, None
    if args.lake_uri.startswith("s3://") and args.aws_region:
        from pyarrow.fs import S3FileSystem

        root, filesystem = args.lake_uri[len("s3://"):], S3FileSystem(region=args.aws_region)
    report = compact_day(root, args.dt, zones=zones, target_bytes=args.target_mb * MIB, filesystem=filesystem,
                         workers=args.workers)
    for line in report.lines():
        print(line)
    print(json.dumps(report.as_dict(), sort_keys=True))
    return report.as_dict()


if __name__ == "__main__":
    main()
