"""Glue Python shell job: compact one closed day of the lake (``batch.compaction.compact_day``).

The daily workflow runs it after taking the day's lock and before the Glue jobs that build the
curated tables. Arguments (Glue passes others too, which are ignored):

    --dt YYYY-MM-DD  --lake_uri s3://bucket  [--zones processed/sessions,late,...]  [--target_mb 128]

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
    parser.add_argument("--zones", default=",".join(COMPACTED_ZONES), help="Comma-separated zones.")
    parser.add_argument("--target_mb", type=int, default=DEFAULT_TARGET_BYTES // MIB,
                        help="Largest output file, MiB.")
    args, _ignored = parser.parse_known_args(list(argv))
    return args


def main(argv: Sequence[str] | None = None) -> dict:
    from batch.compaction import MIB, compact_day

    args = parse_args(sys.argv[1:] if argv is None else argv)
    zones = [zone.strip() for zone in args.zones.split(",") if zone.strip()]
    report = compact_day(args.lake_uri, args.dt, zones=zones, target_bytes=args.target_mb * MIB)
    for line in report.lines():
        print(line)
    print(json.dumps(report.as_dict(), sort_keys=True))
    return report.as_dict()


if __name__ == "__main__":
    main()
