"""The curated tables as pure functions of DataFrames (DESIGN §5); no I/O here.

Each function takes the processed rows of the day(s) to build, with their ``dt`` column, and returns
the curated rows in the column order of ``schemas.CURATED_COLUMNS`` followed by ``dt``.
"""

from __future__ import annotations

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from batch.schemas import CURATED_COLUMNS, TITLE_KINDS


def _ordered(frame: DataFrame, table: str) -> DataFrame:
    return frame.select(*CURATED_COLUMNS[table], "dt")


def daily_user_engagement(sessions: DataFrame) -> DataFrame:
    """One row per (dt, user_id) from that dt's sessions."""
    daily = sessions.groupBy("dt", "user_id").agg(
        F.count(F.lit(1)).alias("sessions"),
        F.countDistinct("device_id").alias("devices"),
        F.sum("watch_time_ms").cast("bigint").alias("watch_time_ms"),
        F.sum("duration_ms").cast("bigint").alias("total_session_ms"),
        F.min("session_start").alias("first_session_start"),
        F.max("session_end").alias("last_session_end"),
    )
    return _ordered(daily, "daily_user_engagement")


def daily_title_popularity(title_windows: DataFrame) -> DataFrame:
    """One row per (dt, title_id) from that dt's 5-minute windows; watch_rank 1 = most watched,
    ties broken by title_id ascending."""
    daily = title_windows.groupBy("dt", "title_id").agg(
        F.sum("play_starts").cast("bigint").alias("play_starts"),
        F.sum("watch_time_ms").cast("bigint").alias("watch_time_ms"),
        F.max("unique_viewers").cast("bigint").alias("peak_5m_viewers"),
    )
    by_watch_time = Window.partitionBy("dt").orderBy(F.col("watch_time_ms").desc(), F.col("title_id").asc())
    ranked = daily.withColumn("watch_rank", F.row_number().over(by_watch_time))
    return _ordered(ranked, "daily_title_popularity")


def daily_device_summary(sessions: DataFrame) -> DataFrame:
    """One row per (dt, device_type, country) from that dt's sessions."""
    daily = sessions.groupBy("dt", "device_type", "country").agg(
        F.count(F.lit(1)).alias("sessions"),
        F.countDistinct("user_id").alias("users"),
        F.sum("watch_time_ms").cast("bigint").alias("watch_time_ms"),
        (F.sum("duration_ms").cast("double") / F.count(F.lit(1)).cast("double")).alias("avg_session_ms"),
    )
    return _ordered(daily, "daily_device_summary")


def dim_title(catalog: DataFrame, dt: str) -> DataFrame:
    """The title catalog as the dt's snapshot of curated/dim_title."""
    return _ordered(catalog.withColumn("dt", F.lit(dt)), "dim_title")


def catalog_problems(catalog: DataFrame, limit: int = 5) -> list[str]:
    """What is wrong with a title catalog (missing or repeated title_id, unknown kind), with at most
    ``limit`` examples of each; empty when it is fine. One pass when it is fine."""
    bad_kind = F.col("kind").isNull() | ~F.col("kind").isin(*TITLE_KINDS)
    missing_id = F.col("title_id").isNull() | (F.col("title_id") == "")
    totals = catalog.agg(
        F.sum(missing_id.cast("int")).alias("missing_id"),
        (F.count("title_id") - F.countDistinct("title_id")).alias("repeats"),
        F.sum(bad_kind.cast("int")).alias("bad_kind"),
    ).first()
    problems: list[str] = []
    if totals["missing_id"]:
        problems.append(f"{totals['missing_id']} title(s) without a title_id")
    if totals["repeats"]:
        repeated = catalog.groupBy("title_id").count().where(F.col("count") > 1).limit(limit).collect()
        problems.append("title_id repeated: " + ", ".join(sorted(row["title_id"] for row in repeated)))
    if totals["bad_kind"]:
        examples = catalog.where(bad_kind).select("title_id", "kind").limit(limit).collect()
        listed = ", ".join(f"{row['title_id']}={row['kind']!r}" for row in examples)
        problems.append(f"kind must be one of {', '.join(TITLE_KINDS)}: {listed}")
    return problems
