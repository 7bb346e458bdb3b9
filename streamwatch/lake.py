"""Reading what the streaming job wrote: zone paths, Parquet tables and JSON-line counts.

Readers skip what Flink leaves beside committed data: ``_SUCCESS`` markers and hidden in-progress
files (names starting with ``_`` or ``.``). Partition values dt and hr stay strings ("07").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from warehouse.lake_files import LocalFiles


@dataclass(frozen=True)
class Lake:
    root: Path

    def zone(self, name: str) -> Path:
        return self.root / name

    def data_files(self, zone: str) -> list[Path]:
        """Committed data files of a zone, in path order."""
        return [Path(path) for path in LocalFiles().data_files(str(self.zone(zone)))]

    def json_lines(self, zone: str) -> Iterator[dict]:
        for path in self.data_files(zone):
            with path.open(encoding="utf-8") as handle:
                for line in handle:
                    if line.strip():
                        yield json.loads(line)

    def count_lines(self, zone: str) -> int:
        return sum(count_lines(path) for path in self.data_files(zone))

    def table(self, zone: str):
        """A processed zone as a pyarrow Table, with dt and hr as string columns."""
        import pyarrow as pa
        import pyarrow.dataset as ds

        files = self.data_files(zone)
        if not files:
            return None
        partitioning = ds.partitioning(pa.schema([("dt", pa.string()), ("hr", pa.string())]), flavor="hive")
        dataset = ds.dataset([str(f) for f in files], format="parquet", partitioning=partitioning,
                             partition_base_dir=str(self.zone(zone)))
        return dataset.to_table()

    def rows(self, zone: str) -> list[dict]:
        table = self.table(zone)
        return [] if table is None else table.to_pylist()


def count_lines(path: Path) -> int:
    """Non-blank lines of one JSON-lines file."""
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip())
