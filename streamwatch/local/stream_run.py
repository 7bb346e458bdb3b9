"""``streamwatch stream`` as a library: take the lake, resume from its last checkpoint, run the job
with live progress, stop it cleanly, and publish what the batch side needs.

A replay returns when every record is processed and committed; a Kinesis run lasts until Ctrl-C
(or SIGTERM), which stops the job with a savepoint — without a drain by default, so the sessions
and windows still open stay in the savepoint and the next run resumes them exactly; with
``drain`` they are flushed to the lake for good (a final stop).
"""

from __future__ import annotations

import json
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from flink_app.config import JobConfig
from streamwatch.local.job_monitor import JobMonitor, JobProgress
from streamwatch.analyses.lake import Lake
from streamwatch.local.lake_state import LakeState, RestorePoint
from streamwatch.analyses.summary import LakeSummary, summarize


class StreamRunError(RuntimeError):
    """The run cannot start or did not end well; the message says what to do."""


@dataclass(frozen=True)
class RunOptions:
    fresh: bool = False  # ignore the lake's checkpoints and start from the configured position
    drain: bool = False  # Kinesis: the stop flushes every open session and window (a final stop)
    allow_non_restored_state: bool = False
    variant: str = "full"  # flink_app.job.VARIANTS: the bench's scan jobs skip the lake summary
    summarize: bool = True  # count the lake after a replay of the full job (the accounting check)
    flink_settings: dict[str, str] = field(default_factory=dict)  # extra Flink configuration


@dataclass(frozen=True)
class ReplayResult:
    records_in: int
    net_runtime_ms: int
    wall_s: float
    restored_from: RestorePoint | None
    summary: LakeSummary | None
    vertices: tuple = ()  # flink_rest.Vertex of the job, as last seen running (busy time per chain)
    timings: tuple = ()  # (phase, seconds) in order: where the wall time went

    def timings_text(self) -> str:
        return ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in self.timings)


@dataclass(frozen=True)
class StopResult:
    savepoint: str
    drained: bool
    restored_from: RestorePoint | None


def choose_restore_point(state: LakeState, options: RunOptions, console) -> RestorePoint | None:
    """The checkpoint or savepoint this run starts from, after saying so (or why not)."""
    if options.fresh:
        if state.restore_points():
            console.print(f"--fresh: not resuming; the retained state of {state.lake} is discarded")
        state.forget_restore_points()
        state.clear_drained()
        if state.has_output():
            console.print(f"[yellow]note[/yellow]: {state.lake} already holds output; this run adds to it")
        return None
    if state.drained:
        raise StreamRunError(
            f"the last run on {state.lake} stopped with a drain: every session and window open then was "
            "flushed, so resuming would split them. Start over with --fresh (into this lake, which keeps "
            "its data, or better into a new --lake)."
        )
    point = state.latest_restore_point()
    if point is None and state.has_output():
        raise StreamRunError(
            f"{state.lake} already holds the output of a run that has ended and left nothing to resume "
            "(a finished replay, say): running again from the start would write every record a second "
            "time. Choose a new --lake, or --fresh to add to this one anyway."
        )
    if point is not None:
        console.print(f"resuming from {point.describe()}")
        state.forget_restore_points(keep=point)
    return point


def count_records(path: Path) -> int:
    """Non-blank lines of a staged replay input (what the job counts as records): one record a
    line in either kind, a raw zone's records with their newlines escaped."""
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip())


class StopRequest:
    """Ctrl-C (SIGINT) or SIGTERM asks for a clean stop: the first sets a flag the run loop reads,
    so the signal never lands in the middle of a call to the JVM; a second one aborts at once."""

    def __init__(self) -> None:
        self.requested = threading.Event()

    def _handle(self, signum, frame) -> None:  # noqa: ARG002 - the signal handler signature
        if self.requested.is_set():
            raise KeyboardInterrupt
        self.requested.set()

    @contextmanager
    def installed(self) -> Iterator["StopRequest"]:
        previous = {sig: signal.signal(sig, self._handle) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield self
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def _progress_display(console, total: int | None):
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    columns = [TextColumn("{task.description}")]
    if total is not None:
        columns += [BarColumn(), TaskProgressColumn()]
    columns += [
        TextColumn("{task.completed:>12,.0f} records"),
        TextColumn("{task.fields[rate]:>9,.0f}/s"),
        TextColumn("event time {task.fields[watermark]}"),
    ]
    if total is None:
        columns.append(TextColumn("lag {task.fields[lag]}"))
    columns.append(TimeElapsedColumn())
    return Progress(*columns, console=console, transient=False, refresh_per_second=2)


def _show(progress, task, snapshot: JobProgress | None) -> None:
    if snapshot is not None:
        progress.update(task, completed=snapshot.records_read, rate=snapshot.records_per_second,
                        watermark=snapshot.watermark_text(), lag=snapshot.lag_text())


def replay(config: JobConfig, lake: Path, input_path: Path, options: RunOptions, console) -> ReplayResult:
    """A bounded replay of ``input_path`` into ``lake``: resumes a killed replay of the same input."""
    from streamwatch.local.flink_runner import start_job
    from streamwatch.local.replay_input import RAW_ZONE, ordered_replay_input

    state = LakeState(lake)
    with state:
        restore = choose_restore_point(state, options, console)
        with ordered_replay_input(input_path, staging=state.replay_input) as staged:
            records_in = count_records(staged.path)
            # staged.kind ("jsonl" or "raw-zone") says how the job must read each line of the file
            config = config.with_overrides(source_type="file", source_input_path=str(staged.path),
                                           source_replay_format=staged.kind)
            state.clear_end_of_input()
            started = time.monotonic()
            source = f"the raw zone {input_path}" if staged.kind == RAW_ZONE else str(input_path)
            console.print(f"replaying {records_in:,} records of {source} into {lake} ...")
            job = start_job(config, options.flink_settings, variant=options.variant, state=state, restore=restore,
                            allow_non_restored_state=options.allow_non_restored_state)
            monitor = JobMonitor(job.rest, job.job_id)
            with _progress_display(console, total=records_in) as progress:
                task = progress.add_task("replay", total=records_in, rate=0.0, watermark="—", lag="—")

                submitted = time.monotonic()
                all_read: list[float] = []

                def tick() -> None:
                    snapshot = monitor.poll()
                    _show(progress, task, snapshot)
                    if snapshot is not None and snapshot.records_read >= records_in:
                        if not all_read:
                            all_read.append(time.monotonic())
                        job.request_checkpoint()  # all read: commit now, not at the next interval

                try:
                    job.wait_for_bounded(on_tick=tick, poll_s=0.5)
                except KeyboardInterrupt:
                    job.cancel()
                    raise StreamRunError("interrupted: run the same command again to resume from the last "
                                         "checkpoint (or --fresh to start over)") from None
                progress.update(task, completed=records_in)
            finished = time.monotonic()
            net_runtime_ms = job.net_runtime_ms()
            wall = time.monotonic() - started
            read_until = all_read[0] if all_read else finished
            timings = (*job.timings.items(), ("reading and processing", read_until - submitted),
                       ("final commit", finished - read_until))
        state.replay_input.unlink(missing_ok=True)
        state.forget_restore_points()  # the replay is complete: nothing to resume
        vertices = tuple(monitor.vertices)
        if options.variant != "full":
            return ReplayResult(records_in, net_runtime_ms, wall, restore, None, vertices, timings)
        state.mark_end_of_input("bounded replay finished")
    if not options.summarize:
        return ReplayResult(records_in, net_runtime_ms, wall, restore, None, vertices, timings)
    counted = time.monotonic()
    summary = summarize(Lake(lake), records_in=records_in)
    timings += (("counting the lake", time.monotonic() - counted),)
    return ReplayResult(records_in, net_runtime_ms, wall, restore, summary, vertices, timings)


def follow_kinesis(config: JobConfig, lake: Path, options: RunOptions, console) -> StopResult:
    """Run the job on Kinesis until Ctrl-C or SIGTERM, then stop it with a savepoint."""
    from streamwatch.local.flink_runner import start_job

    state = LakeState(lake)
    stop = StopRequest()
    with state, stop.installed():
        restore = choose_restore_point(state, options, console)
        state.clear_end_of_input()
        job = start_job(config, options.flink_settings, state=state, restore=restore,
                        allow_non_restored_state=options.allow_non_restored_state)
        ending = "drains (flushes every open session and window)" if options.drain else \
            "takes a savepoint the next run resumes from"
        console.print(f"job {job.job_id} running; Flink UI at {job.rest_url}; Ctrl-C {ending}")
        monitor = JobMonitor(job.rest, job.job_id)
        try:
            with _progress_display(console, total=None) as progress:
                task = progress.add_task(config.source.stream_name, total=None, rate=0.0, watermark="—", lag="—")
                while not stop.requested.is_set() and job.status() not in ("FINISHED", "FAILED", "CANCELED"):
                    _show(progress, task, monitor.poll())
                    stop.requested.wait(1.0)
            if stop.requested.is_set():
                console.print("stopping: " + ("draining ..." if options.drain else "taking a savepoint ..."))
                savepoint = job.stop_with_savepoint(state.savepoints, drain=options.drain)
                if options.drain:
                    state.mark_drained()
                    state.mark_end_of_input("drained")
                console.print(f"stopped with savepoint {savepoint}")
                return StopResult(savepoint=savepoint, drained=options.drain, restored_from=restore)
        except KeyboardInterrupt:  # a second Ctrl-C: no savepoint, the last checkpoint is kept
            console.print("interrupted again: cancelling; the next run resumes from the last checkpoint")
            job.cancel()
            raise StreamRunError("cancelled; the next run resumes from the last completed checkpoint") from None
        try:
            job.wait()
        except Exception as error:
            raise StreamRunError(f"the job ended: {error}; see the log in .streamwatch/logs") from None
        raise StreamRunError(f"the job ended on its own ({job.status()}); the lake's last checkpoint is kept")


def write_report(path: Path, result: ReplayResult) -> None:
    """The run's figures as JSON (used by `streamwatch bench`)."""
    vertices = [{"name": v.name, "parallelism": v.parallelism,
                 "busy_ms": v.metrics.get("accumulated-busy-time", 0),
                 "backpressured_ms": v.metrics.get("accumulated-backpressured-time", 0),
                 "idle_ms": v.metrics.get("accumulated-idle-time", 0)} for v in result.vertices]
    path.write_text(json.dumps({"records_in": result.records_in, "net_runtime_ms": result.net_runtime_ms,
                                "wall_s": round(result.wall_s, 3), "vertices": vertices}))
