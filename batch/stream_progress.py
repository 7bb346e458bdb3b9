"""Reading the streaming job's progress from a local lake (the rule itself is ``batch.completeness``).

``processed/stream_progress/dt=YYYY-MM-DD/hr=HH/`` holds Parquet files with one row per closed
5-minute window, partitioned by ``window_start``; so the newest partition that holds a data file
holds the newest ``window_end``, and only that partition is read. Files and directories whose
names start with ``_`` or ``.`` are not data; ``_END_OF_INPUT`` is the end-of-input marker.
"""

from __future__ import annotations

import json
from pathlib import Path

from batch.completeness import END_OF_INPUT_MARKER, PROGRESS_ZONE, StreamProgress, as_utc, day_verdict, DayVerdict
from warehouse.lake_files import is_visible


def read_progress(lake: Path) -> StreamProgress:
    """What the job has published in ``<lake>/processed/stream_progress``."""
    zone = Path(lake) / PROGRESS_ZONE
    return StreamProgress(max_window_end=_max_window_end(zone), end_of_input=_marker(zone / END_OF_INPUT_MARKER))


def session_gap_minutes() -> int:
    """The job's configured session gap (``processing.session.gap.minutes``)."""
    from flink_app.config import load_config

    return load_config().session_gap_minutes


def verdicts(lake: Path, dts: list[str], gap_minutes: int | None = None) -> list[DayVerdict]:
    """The completeness verdict of each dt over ``lake`` (progress read once)."""
    progress = read_progress(lake)
    gap = session_gap_minutes() if gap_minutes is None else gap_minutes
    return [day_verdict(dt, progress, gap) for dt in dts]


def _marker(path: Path) -> dict | None:
    if not path.is_file():
        return None
    try:
        content = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (ValueError, UnicodeDecodeError):
        content = {}  # the marker's existence is what counts; its text is only informative
    return content if isinstance(content, dict) else {}


def _partitions(directory: Path, key: str) -> list[Path]:
    if not directory.is_dir():
        return []
    found = [p for p in directory.iterdir() if p.is_dir() and p.name.startswith(f"{key}=")]
    return sorted(found, key=lambda p: p.name, reverse=True)


def _data_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file() and is_visible(p.relative_to(directory).parts))


def _max_window_end(zone: Path):
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    for day in _partitions(zone, "dt"):
        for hour in _partitions(day, "hr"):
            files = _data_files(hour)
            if not files:
                continue
            ends = [pc.max(pq.read_table(f, columns=["window_end"])["window_end"]).as_py() for f in files]
            ends = [as_utc(e) for e in ends if e is not None]
            if ends:
                return max(ends)
    return None
