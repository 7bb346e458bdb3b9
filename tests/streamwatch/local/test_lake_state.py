"""The run state kept beside a lake: one run at a time, which checkpoint to resume from, markers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from rich.console import Console

from streamwatch.local.lake_state import LakeBusyError, LakeState
from streamwatch.local.stream_run import RunOptions, StreamRunError, choose_restore_point

QUIET = Console(quiet=True)


def make_point(base, name, age_s):
    point = base / name
    point.mkdir(parents=True)
    (point / "_metadata").write_bytes(b"x")
    stamp = time.time() - age_s
    os.utime(point / "_metadata", (stamp, stamp))
    return point


def test_a_second_holder_is_refused_with_who_holds_the_lake(tmp_path):
    with LakeState(tmp_path / "lake"):
        with pytest.raises(LakeBusyError, match=r"being written by another streamwatch run \(pid \d+"):
            LakeState(tmp_path / "lake").lock()
    LakeState(tmp_path / "lake").lock()  # released on exit


def test_the_lock_of_a_killed_process_is_gone_with_it(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; sys.path.insert(0, sys.argv[1]);"
        "from streamwatch.local.lake_state import LakeState; state = LakeState(sys.argv[2]); state.lock(); print('locked', flush=True);"
        "time.sleep(60)"), os.getcwd(), str(tmp_path / "lake")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(LakeBusyError):
            LakeState(tmp_path / "lake").lock()
        holder.kill()
        holder.wait()
        LakeState(tmp_path / "lake").lock()
    finally:
        holder.kill()
        holder.wait()


def test_the_newest_checkpoint_or_savepoint_is_resumed_and_older_ones_forgotten(tmp_path):
    state = LakeState(tmp_path / "lake")
    make_point(state.checkpoints / "job-a", "chk-3", age_s=300)
    newest = make_point(state.savepoints, "savepoint-b", age_s=110)
    make_point(state.checkpoints / "job-c", "chk-9", age_s=200)
    (state.checkpoints / "job-c" / "chk-10").mkdir()  # not completed: no _metadata
    point = choose_restore_point(state, RunOptions(), QUIET)
    assert point.path == newest and point.kind == "savepoint"
    assert [p.path for p in state.restore_points()] == [newest]
    assert "savepoint savepoint-b, taken" in point.describe() and "s ago" in point.describe()


def test_fresh_discards_the_state_and_a_drained_lake_needs_it(tmp_path):
    state = LakeState(tmp_path / "lake")
    make_point(state.checkpoints / "job-a", "chk-3", age_s=10)
    state.root.mkdir(parents=True, exist_ok=True)
    state.mark_drained()
    with pytest.raises(StreamRunError, match="stopped with a drain.*--fresh"):
        choose_restore_point(state, RunOptions(), QUIET)
    assert choose_restore_point(state, RunOptions(fresh=True), QUIET) is None
    assert state.restore_points() == [] and not state.drained


def test_end_of_input_marker_is_written_whole_and_removable(tmp_path):
    state = LakeState(tmp_path / "lake")
    state.mark_end_of_input("bounded replay finished")
    marker = tmp_path / "lake" / "processed" / "stream_progress" / "_END_OF_INPUT"
    document = json.loads(marker.read_text())
    assert document["how"] == "bounded replay finished" and document["ended_at"].endswith("Z")
    assert [p.name for p in marker.parent.iterdir()] == ["_END_OF_INPUT"]
    state.clear_end_of_input()
    assert not marker.exists()


def test_a_lake_with_output_and_nothing_to_resume_is_refused_unless_fresh(tmp_path):
    state = LakeState(tmp_path / "lake")
    (tmp_path / "lake" / "raw" / "dt=2026-11-20" / "hr=10").mkdir(parents=True)
    (tmp_path / "lake" / "raw" / "dt=2026-11-20" / "hr=10" / "part-0").write_text("{}\n")
    with pytest.raises(StreamRunError, match="would write every record a second time"):
        choose_restore_point(state, RunOptions(), QUIET)
    assert choose_restore_point(state, RunOptions(fresh=True), QUIET) is None
