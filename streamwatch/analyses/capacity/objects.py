"""How many S3 objects a zone of the lake gets a day, with and without the file sinks' compaction:
pure formulas, each over the *cells* of a day - a (partition, checkpoint) pair that got rows.

Without compaction every parallel instance of a sink writes its own file per partition it got rows for
at every checkpoint (Parquet rolls at every checkpoint), so a cell holds up to *parallelism* files.
With ``auto-compaction`` the files one checkpoint wrote into one partition are merged into files of up
to ``compaction.file-size`` (128 MiB): a cell holds ceil(its bytes / 128 MiB) files whatever the
parallelism. Files of different checkpoints are never merged, so a zone whose checkpoint brings a few
MiB per partition still ends a day with many small files: that is what a daily compaction is for.

Example::

    compacted_objects(cells=1_464, bytes_per_day=3.3e12, file_bytes=128 * 2**20)
    uncompacted_objects(rows_per_cell=40_000, cells=1_464, writers=200)
"""

from __future__ import annotations

import math


def writers_with_rows(rows: float, writers: int) -> float:
    """Expected number of ``writers`` that get at least one of ``rows`` rows spread over them at
    random (Poisson): the files a sink opens for one partition in one checkpoint."""
    return writers * (1 - math.exp(-rows / writers))


def compacted_objects(cells: float, bytes_per_day: float, file_bytes: float) -> float:
    """Objects a day with compaction: every cell's bytes (the day's, spread evenly over the cells)
    in files of up to ``file_bytes``."""
    if cells <= 0:
        return 0.0
    return cells * max(1, math.ceil(bytes_per_day / cells / file_bytes))


def daily_compacted_objects(cells: float, bytes_per_day: float, file_bytes: float, hours: int = 24) -> float:
    """Objects a day once the daily compaction (batch.compaction) has rewritten a closed day: each
    hour partition with rows (at most ``hours``, at most one per cell) holds ceil(its bytes, the day's
    spread evenly over them, / ``file_bytes``) files."""
    partitions = min(float(hours), math.ceil(cells))
    if partitions <= 0:
        return 0.0
    return partitions * max(1, math.ceil(bytes_per_day / partitions / file_bytes))


def uncompacted_objects(rows_per_cell: float, cells: float, writers: int, split: int = 1) -> float:
    """Objects a day without compaction: in every cell, a file from each of ``writers`` instances
    that got one of its rows (Poisson), each split ``split`` times at the rolling size."""
    return cells * writers_with_rows(rows_per_cell, writers) * split


def requests_per_object(object_bytes: float, part_bytes: float) -> float:
    """PUT-class requests to write one object by multipart upload: create, each part, complete.
    Every zone is Parquet, a bulk format, so no file stays open over a checkpoint."""
    return 2 + max(1, math.ceil(object_bytes / part_bytes))
