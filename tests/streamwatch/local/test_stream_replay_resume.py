"""A replay stopped half-way resumes from its last checkpoint when run again, and ends exactly as
one uninterrupted replay; a job whose plan changed refuses the old state with a message that says
what to do, instead of failing in a loop. At parallelism 2: every instance of the job keeps
checkpointing until the whole file is read (no instance finishes early and fails the checkpoints),
and a key's events in the same millisecond keep their arrival order across the instances."""

from __future__ import annotations

from collections import Counter

import pytest
from rich.console import Console

from flink_app.config import load_config
from streamwatch.local.lake_state import LakeState
from tests.flink_app.scenarios import generate
from tests.reference.contract import evaluate
from tests.streamwatch.lake_checks import SESSION_KEYS, WINDOW_KEYS, comparable, committed_records

pytestmark = pytest.mark.flink


@pytest.fixture(scope="module")
def resumed(connector_jar, tmp_path_factory):
    from streamwatch.local.flink_runner import StateIncompatibleError, start_job, wait_until
    from streamwatch.local.stream_run import RunOptions, replay

    workdir = tmp_path_factory.mktemp("replay-resume")
    records = generate(seed=41, keys=60, events_per_key=400)  # with same-millisecond events of a key
    source = workdir / "events.jsonl"
    source.write_text("\n".join(records) + "\n", encoding="utf-8")
    lake = workdir / "lake"
    config = load_config().with_overrides(source_type="file", source_input_path=str(source), lake_root=str(lake),
                                          parallelism=2, checkpoint_interval_ms=300)
    state = LakeState(lake)
    job = start_job(config, state=state)
    try:
        wait_until(lambda: committed_records(lake) > 0, timeout_s=180, poll_s=0.2)  # stop at the first commit
    finally:
        job.cancel()
    stopped_at = committed_records(lake)
    point = state.latest_restore_point()
    with pytest.raises(StateIncompatibleError) as changed:
        start_job(config, variant="parse-scan", state=state, restore=point)
    console = Console(record=True, width=200)
    result = replay(config, lake, source, RunOptions(), console)
    return {"records": records, "lake": lake, "result": result, "stopped_at": stopped_at, "point": point,
            "changed": str(changed.value), "output": console.export_text()}


def test_the_second_run_resumed_half_way(resumed):
    point = resumed["point"]
    assert 0 < resumed["stopped_at"] < len(resumed["records"]) and point is not None
    assert resumed["result"].restored_from == point
    assert f"resuming from checkpoint {point.name}" in resumed["output"]


def test_the_lake_is_that_of_one_uninterrupted_replay(resumed):
    from streamwatch.analyses.lake import Lake

    records, result = resumed["records"], resumed["result"]
    expected = evaluate(records)
    lake = Lake(resumed["lake"])
    raw = Counter(row["record"] for row in lake.rows("raw"))
    assert raw == Counter(records)
    assert comparable(lake.rows("processed/sessions"), SESSION_KEYS) == comparable(expected.sessions, SESSION_KEYS)
    assert comparable(lake.rows("processed/title_watch_5m"), WINDOW_KEYS) == comparable(expected.title_windows, WINDOW_KEYS)
    assert result.summary.adds_up and result.summary.records_in == len(records)


def test_a_changed_plan_is_refused_with_what_to_do(resumed):
    message = resumed["changed"]
    assert "its plan changed since that checkpoint" in message
    assert "--fresh" in message and "--allow-non-restored-state" in message
