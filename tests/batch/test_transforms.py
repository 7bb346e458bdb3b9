"""The pure transforms on hand-made frames: the edge cases the contract spells out."""

from __future__ import annotations

import datetime as dt

import pytest

from batch import transforms
from batch.schemas import PROCESSED_SCHEMAS, REFERENCE_TITLE_SCHEMA

T0 = dt.datetime(2024, 3, 9, 10, 0)


def _windows(spark, rows):
    full = [(T0, T0 + dt.timedelta(minutes=5), title, plays, viewers, watch, "2024-03-09", "10")
            for title, plays, viewers, watch in rows]
    return spark.createDataFrame(full, PROCESSED_SCHEMAS["title_watch_5m"])


def test_rank_ties_break_by_title_id_and_peak_is_the_max_window(spark):
    frame = _windows(spark, [("b", 1, 3, 500), ("a", 0, 2, 300), ("a", 2, 7, 200), ("c", 4, 1, 100)])
    rows = {r["title_id"]: r.asDict() for r in transforms.daily_title_popularity(frame).collect()}
    assert [rows[t]["watch_rank"] for t in ("a", "b", "c")] == [1, 2, 3]
    assert rows["a"] == {"title_id": "a", "play_starts": 2, "watch_time_ms": 500, "peak_5m_viewers": 7,
                         "watch_rank": 1, "dt": "2024-03-09"}


def test_device_summary_average_is_a_double_over_sessions(spark):
    schema = PROCESSED_SCHEMAS["sessions"]
    rows = [(f"s{n}", user, f"d{n}", "tv", "US", T0, T0, duration, 1, 0, 0, 0, "2024-03-09", "10")
            for n, (user, duration) in enumerate([("u1", 1), ("u1", 2), ("u2", 2)])]
    summary = transforms.daily_device_summary(spark.createDataFrame(rows, schema)).collect()
    assert len(summary) == 1
    assert summary[0]["sessions"] == 3 and summary[0]["users"] == 2
    assert summary[0]["avg_session_ms"] == pytest.approx(5 / 3)
    assert transforms.daily_device_summary(spark.createDataFrame(rows, schema)).dtypes[-2] == ("avg_session_ms", "double")


def test_catalog_problems_name_the_bad_titles(spark):
    catalog = spark.createDataFrame(
        [("t1", "A", "movie", "x", 2000, 1), ("t1", "B", "series", "x", 2000, 1), ("t2", "C", "film", "x", 2000, 1),
         (None, "D", "movie", "x", 2000, 1)],
        REFERENCE_TITLE_SCHEMA,
    )
    problems = " | ".join(transforms.catalog_problems(catalog))
    assert "1 title(s) without a title_id" in problems
    assert "title_id repeated: t1" in problems
    assert "t2='film'" in problems
