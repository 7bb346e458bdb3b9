"""Schemas of the zones the jobs read and the column order of what they write (DESIGN §5).

Partition columns (dt, hr) live in Hive-style directory names, never inside the files; they are
declared here as strings so Spark takes them from the path as-is.
"""

from __future__ import annotations

from pyspark.sql import types as T

_STR, _LONG, _TS = T.StringType(), T.LongType(), T.TimestampType()


def _schema(*fields: tuple[str, T.DataType]) -> T.StructType:
    return T.StructType([T.StructField(name, kind, nullable=True) for name, kind in fields])


PROCESSED_SCHEMAS: dict[str, T.StructType] = {
    "sessions": _schema(
        ("session_id", _STR),
        ("user_id", _STR),
        ("device_id", _STR),
        ("device_type", _STR),
        ("country", _STR),
        ("session_start", _TS),
        ("session_end", _TS),
        ("duration_ms", _LONG),
        ("event_count", _LONG),
        ("play_count", _LONG),
        ("titles_watched", _LONG),
        ("watch_time_ms", _LONG),
        ("dt", _STR),
        ("hr", _STR),
    ),
    "title_watch_5m": _schema(
        ("window_start", _TS),
        ("window_end", _TS),
        ("title_id", _STR),
        ("play_starts", _LONG),
        ("unique_viewers", _LONG),
        ("watch_time_ms", _LONG),
        ("dt", _STR),
        ("hr", _STR),
    ),
}

# The producer's catalog, reference/dim_title.jsonl.
REFERENCE_TITLE_SCHEMA = _schema(
    ("title_id", _STR),
    ("name", _STR),
    ("kind", _STR),
    ("genre", _STR),
    ("release_year", T.IntegerType()),
    ("runtime_ms", _LONG),
)
TITLE_KINDS = ("movie", "series")

# Curated tables: the columns in file order (dt is the partition directory, written last).
CURATED_COLUMNS: dict[str, tuple[str, ...]] = {
    "daily_user_engagement": (
        "user_id",
        "sessions",
        "devices",
        "watch_time_ms",
        "total_session_ms",
        "first_session_start",
        "last_session_end",
    ),
    "daily_title_popularity": ("title_id", "play_starts", "watch_time_ms", "peak_5m_viewers", "watch_rank"),
    "daily_device_summary": ("device_type", "country", "sessions", "users", "watch_time_ms", "avg_session_ms"),
    "dim_title": ("title_id", "name", "kind", "genre", "release_year", "runtime_ms"),
}
