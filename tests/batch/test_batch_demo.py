"""The demo's batch part on demo-sized data (a synthetic processed zone of a few thousand
sessions, marked as drained): batch + load for each dt, the three answers printed, the report
written, and every warehouse view and Athena query answering."""

from __future__ import annotations

from collections import defaultdict

import pytest
from rich.console import Console

from batch.synthetic import write_synthetic_lake
from streamwatch.demo.batch import batch_demo_part
from streamwatch.local.lake_state import LakeState


@pytest.fixture(scope="module")
def demo_lake(tmp_path_factory):
    lake = tmp_path_factory.mktemp("demo") / "lake"
    size = write_synthetic_lake(lake, sessions=3000, days=1)
    LakeState(lake).mark_end_of_input("drained")  # as the demo's drained job leaves its lake
    console = Console(record=True, width=140)
    assert batch_demo_part(lake, list(size.dts), console) is None
    return lake, size, console.export_text()


def test_it_prints_the_three_answers_and_writes_the_report(demo_lake):
    lake, size, output = demo_lake
    for heading in ("Top 5 titles per day", "Watch hours by device", "Daily active users"):
        assert heading in output
    for dt in size.dts:
        assert f"dt={dt}" in output
    assert (lake / "report.html").is_file() and f"report: {lake / 'report.html'}" in output.replace("\n", "")


def test_daily_active_users_match_the_processed_sessions(demo_lake, reference):
    from warehouse.targets import DuckDBTarget
    from warehouse.views import read_view

    lake, size, _ = demo_lake
    users = defaultdict(set)
    for session in reference.read_partitioned(lake / "processed" / "sessions"):
        users[session["dt"]].add(session["user_id"])
    target = DuckDBTarget(lake)
    try:
        rows = read_view(target, "daily_active_users")
        got = {str(row[0]): row[1] for row in rows.rows}
        assert got == {dt: len(u) for dt, u in users.items()}
        for view in ("top_titles_daily", "watch_hours_by_device_country", "session_length_distribution",
                     "binge_sessions"):
            assert read_view(target, view).rows, view
    finally:
        target.close()


def test_every_athena_query_answers_on_the_demo_data(demo_lake):
    from warehouse.athena import LocalAthena, query_names

    lake, _, _ = demo_lake
    engine = LocalAthena(lake)
    try:
        # events_by_type and pipeline_accounting read raw/dlq/late, which a synthetic processed zone lacks
        for name in set(query_names()) - {"events_by_type"}:
            assert engine.run_query(name).rows, name
    finally:
        engine.close()


def test_no_dt_is_a_message_not_an_error(tmp_path):
    console = Console(record=True)
    batch_demo_part(tmp_path, [], console)
    assert "no dt to build" in console.export_text()
