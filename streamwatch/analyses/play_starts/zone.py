"""Reading ``<lake>/processed/play_starts_1m`` into per-minute series.

The streaming job writes one row per (minute, country, device_type) with at least one on-time
``play`` event (contract §3, data_model.md); a minute without any play has no row. Here every series
covers each minute from the zone's first to its last, a missing minute counting 0, so the series
line up index by index: index ``i`` is the minute ``first + i``.

Timestamps: Flink writes TIMESTAMP(3) as INT96 in UTC (read as a timestamp without zone); other
writers may store a UTC-zoned INT64. Both are read as UTC.

Example::

    starts = read_play_starts(Path("lake"))    # None when the zone holds no data file
    starts.total[:5], starts.by_country["US"][:5], starts.minute(0)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

ZONE = "processed/play_starts_1m"
COLUMNS = ("window_start", "country", "device_type", "play_starts")
_PER_MINUTE = {"s": 60, "ms": 60_000, "us": 60_000_000, "ns": 60_000_000_000}
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


class ZoneError(ValueError):
    """The zone holds something that is not the play_starts_1m table."""


@dataclass(frozen=True)
class PlayStarts:
    """Play starts per minute from ``first`` (UTC): the total, and per country and device type."""

    first: dt.datetime
    total: list[int]
    by_country: dict[str, list[int]] = field(default_factory=dict)
    by_device: dict[str, list[int]] = field(default_factory=dict)

    def minute(self, index: int) -> dt.datetime:
        return self.first + dt.timedelta(minutes=index)

    def index(self, moment: dt.datetime) -> int:
        """The index of the minute holding ``moment`` (may be outside the series)."""
        return (moment - self.first) // dt.timedelta(minutes=1)

    def __len__(self) -> int:
        return len(self.total)


def read_play_starts(lake: Path) -> PlayStarts | None:
    """The zone of ``lake`` as per-minute series, or None when it has no data file yet."""
    import pyarrow.parquet as pq

    from streamwatch.analyses.lake import Lake

    rows: list[tuple[int, str, str, int]] = []
    for path in Lake(Path(lake)).data_files(ZONE):
        try:
            table = pq.read_table(path, columns=list(COLUMNS))
        except Exception as error:  # pyarrow raises several types for a file that is not this table
            raise ZoneError(f"{path} is not a play_starts_1m Parquet file with columns "
                            f"{', '.join(COLUMNS)}: {error}") from None
        for name in COLUMNS:
            if table.column(name).null_count:
                raise ZoneError(f"{path}: {name} is empty in {table.column(name).null_count} row(s)")
        rows.extend(zip(_minutes(table.column("window_start"), path), table.column("country").to_pylist(),
                        table.column("device_type").to_pylist(), table.column("play_starts").to_pylist()))
    if not rows:
        return None
    first = min(row[0] for row in rows)
    length = max(row[0] for row in rows) - first + 1
    total = [0] * length
    by_country: dict[str, list[int]] = {}
    by_device: dict[str, list[int]] = {}
    for minute, country, device, count in rows:
        index = minute - first
        total[index] += count
        by_country.setdefault(country, [0] * length)[index] += count
        by_device.setdefault(device, [0] * length)[index] += count
    return PlayStarts(
        first=_EPOCH + dt.timedelta(minutes=first),
        total=total,
        by_country=dict(sorted(by_country.items())),
        by_device=dict(sorted(by_device.items())),
    )


def _minutes(column, path: Path) -> list[int]:
    """Minutes since the epoch of a timestamp column (zoned values are UTC; plain ones are too)."""
    import pyarrow as pa

    if not pa.types.is_timestamp(column.type):
        raise ZoneError(f"{path}: window_start is {column.type}, not a timestamp")
    per_minute = _PER_MINUTE[column.type.unit]
    return [value // per_minute for value in column.cast(pa.int64()).to_pylist()]
