"""Every warehouse view answers on the loaded fixture, with the numbers the reference gives."""

from __future__ import annotations

import pytest

from warehouse.plan import VIEW_ORDER, view_names
from warehouse.views import read_view

DTS = ("2024-03-09", "2024-03-10", "2024-03-11")


def test_every_view_file_has_a_reading_order():
    assert sorted(VIEW_ORDER) == view_names()


@pytest.mark.parametrize("view", sorted(VIEW_ORDER))
def test_every_view_answers(loaded, view):
    _lake, target = loaded
    rows = read_view(target, view)
    assert rows.rows and rows.columns[0] == "dt"


def _records(rows):
    return [dict(zip(rows.columns, row)) for row in rows.rows]


def test_daily_active_users(loaded, reference):
    lake, target = loaded
    got = {str(r["dt"]): r for r in _records(read_view(target, "daily_active_users"))}
    for day in DTS:
        users = reference.daily_user_engagement(lake, day)
        assert got[day]["active_users"] == len(users)
        assert got[day]["viewers"] == sum(1 for u in users.values() if u["watch_time_ms"] > 0)
        assert got[day]["sessions"] == sum(u["sessions"] for u in users.values())
        assert float(got[day]["watch_hours"]) == pytest.approx(
            round(sum(u["watch_time_ms"] for u in users.values()) / 3_600_000, 2))


def test_top_titles_are_ranked_and_named(loaded, reference):
    lake, target = loaded
    rows = [r for r in _records(read_view(target, "top_titles_daily")) if str(r["dt"]) == "2024-03-10"]
    want = sorted(reference.daily_title_popularity(lake, "2024-03-10").values(), key=lambda r: r["watch_rank"])
    assert [r["title_id"] for r in rows] == [w["title_id"] for w in want[:10]]
    catalog = reference.dim_title(lake)
    assert [r["title_name"] for r in rows] == [catalog[w["title_id"]]["name"] for w in want[:10]]


def test_session_lengths_and_binges_cover_the_sessions(loaded, reference):
    lake, target = loaded
    bands = _records(read_view(target, "session_length_distribution"))
    binges = _records(read_view(target, "binge_sessions"))
    for day in DTS:
        sessions = reference.sessions_of(lake, day)
        assert sum(b["sessions"] for b in bands if str(b["dt"]) == day) == len(sessions)
        want = {s["session_id"] for s in sessions if s["titles_watched"] >= 3 or s["duration_ms"] >= 3 * 3_600_000}
        assert {b["session_id"] for b in binges if str(b["dt"]) == day} == want


def test_watch_hours_by_device_country(loaded, reference):
    lake, target = loaded
    rows = _records(read_view(target, "watch_hours_by_device_country"))
    for day in DTS:
        want = reference.daily_device_summary(lake, day)
        got = {(r["device_type"], r["country"]): r for r in rows if str(r["dt"]) == day}
        assert set(got) == set(want)
        for key, row in want.items():
            assert float(got[key]["watch_hours"]) == pytest.approx(round(row["watch_time_ms"] / 3_600_000, 2))
