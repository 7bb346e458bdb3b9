"""Reading what the streaming job wrote: zone paths, Parquet tables and row counts.

Every zone is Parquet: raw/, dlq/ and late/ (zstd) as much as processed/. Readers skip what Flink
leaves beside committed data: ``_SUCCESS`` markers and hidden in-progress files (names starting
with ``_`` or ``.``). Partition values dt and hr stay strings ("07").

Timestamps come in two encodings: Flink writes TIMESTAMP(3) as INT96 in UTC (pyarrow reads it as
``timestamp[ns]`` without a zone), a fixture written with pyarrow may use ``timestamp[ms, UTC]``;
``epoch_millis`` reads both as milliseconds since the epoch.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from warehouse.lake_files import LocalFiles

if TYPE_CHECKING:
    import pyarrow as pa

_UNITS_PER_MILLI = {"ms": 1, "us": 1_000, "ns": 1_000_000}


@dataclass(frozen=True)
class Lake:
    root: Path

    def zone(self, name: str) -> Path:
        return self.root / name

    def data_files(self, zone: str) -> list[Path]:
        """Committed data files of a zone, in path order."""
        return [Path(path) for path in LocalFiles().data_files(str(self.zone(zone)))]

    def table(self, zone: str, columns: list[str] | None = None) -> "pa.Table | None":
        """A zone as a pyarrow Table (only ``columns`` when given), with dt and hr as string
        columns; None when the zone has no data file."""
        import pyarrow as pa
        import pyarrow.dataset as ds

        files = self.data_files(zone)
        if not files:
            return None
        partitioning = ds.partitioning(pa.schema([("dt", pa.string()), ("hr", pa.string())]), flavor="hive")
        dataset = ds.dataset([str(f) for f in files], format="parquet", partitioning=partitioning,
                             partition_base_dir=str(self.zone(zone)))
        return dataset.to_table(columns=columns)

    def rows(self, zone: str) -> list[dict]:
        table = self.table(zone)
        return [] if table is None else table.to_pylist()

    def row_count(self, zone: str) -> int:
        """Rows of a zone from the Parquet footers alone: no data page is read."""
        return sum(parquet_rows(path) for path in self.data_files(zone))


def parquet_rows(path: Path) -> int:
    """Rows of one Parquet data file, from its footer (a committed file never changes, so a caller
    polling a growing zone can count each file once)."""
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows


def epoch_millis(column: "pa.Array | pa.ChunkedArray") -> list[int | None]:
    """A timestamp column as milliseconds since the epoch (UTC), whatever its unit and zone: Arrow
    keeps an instant as UTC under any zone, and Flink's zone-less INT96 is UTC by the job's setting."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pa.types.is_timestamp(column.type):
        raise TypeError(f"expected a timestamp column, got {column.type}")
    values = pc.cast(column, pa.int64())
    unit = column.type.unit
    if unit == "s":
        return [None if v is None else v * 1000 for v in values.to_pylist()]
    return [None if v is None else v // _UNITS_PER_MILLI[unit] for v in values.to_pylist()]
