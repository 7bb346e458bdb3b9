"""One row per key of the processed zone, so that reading a day twice counts it once.

The streaming job writes each session and each window once per run. A restart with
``--flink-restore skip-snapshot`` from TRIM_HORIZON or AT_TIMESTAMP, or a replay of raw/ into a lake
that already has the day, writes the same rows again: the same ``session_id`` or window key, in
other files. Summing them would double sessions, watch time and play starts, so every reader of
processed/ in the batch goes through ``one_row_per_key`` first.

The keys (contract §3): sessions by ``session_id``, title_watch_5m by (``window_start``,
``title_id``), play_starts_1m by (``window_start``, ``country``, ``device_type``), stream_progress
by ``window_start``.

A duplicate is normally an exact copy, and which copy is kept does not matter. Two rows with one key
that differ come from two runs that saw different input for it (a run started from LATEST or
AT_TIMESTAMP in the middle of a session or window sees only its end). Summing them would count the
overlap twice; the job de-duplicates within a run, so each copy is right about the input it saw,
and the one that saw more is the better one: the copy with the greater measures is kept (for a
session: more events, then the later end, then more watch time ...), ties broken by every other
column, so the same input always keeps the same row. ``copies`` counts both cases for the job's
log. The Redshift load applies the same order to the sessions it stages
(``sql/redshift/load/insert_fact_watch_session.sql``).
"""

from __future__ import annotations

import dataclasses

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

KEYS: dict[str, tuple[str, ...]] = {
    "sessions": ("session_id",),
    "title_watch_5m": ("window_start", "title_id"),
    "play_starts_1m": ("window_start", "country", "device_type"),
    "stream_progress": ("window_start",),
}

# Which copy of a key is kept: the first by these columns ((column, descending)), which with the key
# cover every column of the table, so the choice never depends on the order files are read in.
PREFERENCE: dict[str, tuple[tuple[str, bool], ...]] = {
    "sessions": (
        ("event_count", True), ("session_end", True), ("watch_time_ms", True), ("duration_ms", True),
        ("play_count", True), ("titles_watched", True), ("session_start", False), ("user_id", False),
        ("device_id", False), ("device_type", False), ("country", False),
    ),
    "title_watch_5m": (("play_starts", True), ("unique_viewers", True), ("watch_time_ms", True),
                       ("window_end", False)),
    "play_starts_1m": (("play_starts", True), ("window_end", False)),
    "stream_progress": (("titles", True), ("window_end", False)),
}
_RANK = "_copy_rank"


@dataclasses.dataclass(frozen=True)
class Copies:
    """What one_row_per_key removes from a day: rows beyond the first of their key, and how many keys
    had copies that differ (two runs with different input for them)."""

    extra_rows: int = 0
    differing_keys: int = 0


def _order(table: str) -> list:
    return [F.col(name).desc_nulls_last() if descending else F.col(name).asc_nulls_last()
            for name, descending in PREFERENCE[table]]


def one_row_per_key(frame: DataFrame, table: str) -> DataFrame:
    """``frame`` (rows of processed/<table>) with one row per key, chosen by PREFERENCE."""
    ranked = frame.withColumn(_RANK, F.row_number().over(Window.partitionBy(*KEYS[table]).orderBy(*_order(table))))
    return ranked.where(F.col(_RANK) == 1).drop(_RANK)


def copies(frame: DataFrame, table: str) -> Copies:
    """How many rows one_row_per_key would remove from ``frame``, and how many keys have differing copies."""
    keys = KEYS[table]
    content = F.to_json(F.struct(*[name for name, _ in PREFERENCE[table]]))
    per_key = frame.groupBy(*keys).agg(F.count(F.lit(1)).alias("n"), F.countDistinct(content).alias("versions"))
    totals = per_key.agg(
        F.coalesce(F.sum(F.col("n") - 1), F.lit(0)).alias("extra"),
        F.coalesce(F.sum((F.col("versions") > 1).cast("int")), F.lit(0)).alias("differing"),
    ).first()
    return Copies(extra_rows=int(totals["extra"]), differing_keys=int(totals["differing"]))
