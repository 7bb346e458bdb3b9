"""The numbers of the report: the Athena queries run on the local lake, and play starts per minute
from ``processed/play_starts_1m`` with the outage rule of ``streamwatch sps`` (None without the zone)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from pathlib import Path

from streamwatch.analyses.play_starts.assess import Assessment
from warehouse.athena import LocalAthena, Rows


@dataclasses.dataclass(frozen=True)
class Series:
    labels: list[str]
    values: list[float]

    def __bool__(self) -> bool:
        return bool(self.labels)


@dataclasses.dataclass(frozen=True)
class ReportData:
    days: list[str]
    active_users: int
    sessions: int
    watch_hours: float
    hourly_watch_hours: Series
    top_titles: Series
    device_watch_hours: Series
    session_lengths: Series
    play_starts: Assessment | None = None


def _records(rows: Rows) -> list[dict]:
    return [dict(zip(rows.columns, row)) for row in rows.rows]


def hourly_series(records: list[dict]) -> Series:
    """Watch hours of every clock hour from the first to the last with playback (gaps as 0)."""
    by_hour = {r["hour_start"]: float(r["watch_hours"] or 0) for r in records}
    if not by_hour:
        return Series([], [])
    labels, values = [], []
    hour, last = min(by_hour), max(by_hour)
    while hour <= last:
        labels.append(hour.strftime("%m-%d %Hh"))
        values.append(by_hour.get(hour, 0.0))
        hour += dt.timedelta(hours=1)
    return Series(labels, values)


def summed(records: list[dict], key: str, value: str, order: list[str] | None = None) -> Series:
    totals: dict[str, float] = defaultdict(float)
    for record in records:
        totals[str(record[key])] += float(record[value] or 0)
    keys = order if order is not None else sorted(totals, key=lambda k: (-totals[k], k))
    return Series([k for k in keys if k in totals], [totals[k] for k in keys if k in totals])


def gather(lake: Path) -> ReportData:
    from streamwatch.analyses.play_starts.assess import assess
    from streamwatch.analyses.play_starts.zone import read_play_starts

    starts = read_play_starts(lake)
    engine = LocalAthena(lake)
    try:
        dau = _records(engine.run_query("daily_active_users"))
        hourly = _records(engine.run_query("watch_time_by_hour"))
        titles = _records(engine.run_query("top_titles_overall"))[:10]
        devices = _records(engine.run_query("watch_hours_by_device_country"))
        lengths = sorted(_records(engine.run_query("session_length_distribution")), key=lambda r: r["band_order"])
    finally:
        engine.close()
    band_order = list(dict.fromkeys(r["length_band"] for r in lengths))
    return ReportData(
        days=[r["dt"] for r in dau],
        active_users=max((int(r["active_users"]) for r in dau), default=0),
        sessions=sum(int(r["sessions"] or 0) for r in dau),
        watch_hours=round(sum(float(r["watch_hours"] or 0) for r in dau), 2),
        hourly_watch_hours=hourly_series(hourly),
        top_titles=Series([f"{r['title_name'] or r['title_id']}" for r in titles],
                          [float(r["watch_hours"] or 0) for r in titles]),
        device_watch_hours=summed(devices, "device_type", "watch_hours"),
        session_lengths=summed(lengths, "length_band", "sessions", order=band_order),
        play_starts=None if starts is None else assess(starts),
    )
