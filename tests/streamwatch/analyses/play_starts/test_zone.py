"""Reading processed/play_starts_1m: the series line up minute by minute, gaps are zeros, timestamps
are UTC however they were stored, and what is not data is skipped."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from streamwatch.analyses.play_starts.zone import ZoneError, read_play_starts
from tests.streamwatch.analyses.play_starts.zone_fixtures import write_zone

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 1, 31, 23, 58, tzinfo=UTC)


def at(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


ROWS = {
    (at(0), "US", "tv"): 3, (at(0), "US", "mobile"): 2, (at(0), "DE", "tv"): 1,
    (at(1), "DE", "web"): 4,
    # minutes 2 and 3 (00:00 and 00:01, in the next day's partition) have no play at all
    (at(4), "US", "tv"): 5, (at(4), "BR", "console"): 7,
}


def test_series_cover_every_minute_with_zeros_for_the_missing_ones(tmp_path):
    write_zone(tmp_path, ROWS)
    starts = read_play_starts(tmp_path)
    assert starts.first == T0 and len(starts) == 5
    assert starts.total == [6, 4, 0, 0, 12]
    assert starts.by_country == {"BR": [0, 0, 0, 0, 7], "DE": [1, 4, 0, 0, 0], "US": [5, 0, 0, 0, 5]}
    assert starts.by_device == {"console": [0, 0, 0, 0, 7], "mobile": [2, 0, 0, 0, 0], "tv": [4, 0, 0, 0, 5],
                                "web": [0, 4, 0, 0, 0]}
    assert starts.minute(4) == at(4) and starts.index(at(4) + dt.timedelta(seconds=59)) == 4


def test_zoned_int64_timestamps_read_as_the_same_utc_minutes(tmp_path):
    write_zone(tmp_path, {(at(0), "US", "tv"): 3})
    extra = tmp_path / "processed" / "play_starts_1m" / "dt=2026-02-01" / "hr=00"
    extra.mkdir(parents=True)
    pq.write_table(pa.table({
        "window_start": pa.array([at(2)], pa.timestamp("ms", tz="UTC")),
        "window_end": pa.array([at(3)], pa.timestamp("ms", tz="UTC")),
        "country": ["US"], "device_type": ["tv"], "play_starts": pa.array([9], pa.int64()),
    }), extra / "part-0000-0")
    starts = read_play_starts(tmp_path)
    assert starts.first == T0 and starts.total == [3, 0, 9]


def test_no_zone_or_only_markers_is_none(tmp_path):
    assert read_play_starts(tmp_path) is None
    hidden = tmp_path / "processed" / "play_starts_1m" / "dt=2026-02-01" / "hr=00"
    hidden.mkdir(parents=True)
    (hidden / "_SUCCESS").write_text("")
    (hidden / ".part-0-0.inprogress.1").write_bytes(b"garbage")
    assert read_play_starts(tmp_path) is None


def test_a_file_that_is_not_the_table_is_a_clear_error(tmp_path):
    write_zone(tmp_path, ROWS)
    (tmp_path / "processed" / "play_starts_1m" / "dt=2026-02-01" / "hr=00" / "notes.txt").write_text("hello")
    with pytest.raises(ZoneError, match="notes.txt is not a play_starts_1m Parquet file"):
        read_play_starts(tmp_path)
    other = tmp_path / "other"
    zone = other / "processed" / "play_starts_1m" / "dt=2026-02-01" / "hr=00"
    zone.mkdir(parents=True)
    pq.write_table(pa.table({"window_start": ["2026-02-01 00:00"], "country": ["US"], "device_type": ["tv"],
                             "play_starts": [1]}), zone / "part-0")
    with pytest.raises(ZoneError, match="window_start is string, not a timestamp"):
        read_play_starts(other)
    pq.write_table(pa.table({"window_start": pa.array([None], pa.timestamp("ms")), "country": ["US"],
                             "device_type": ["tv"], "play_starts": [1]}), zone / "part-0")
    with pytest.raises(ZoneError, match="window_start is empty in 1 row"):
        read_play_starts(other)
