"""Running the Flink job on the local mini-cluster: submit, watch, stop, resume.

The job runs inside the JVM that PyFlink starts. Everything it listens on is bound to 127.0.0.1:
the REST endpoint (the Flink UI, on a free port), the blob server and the RPC endpoints. With a
lake's ``LakeState`` the job keeps its checkpoints beside the lake (``<lake>/_flink``) and can be
started from one of them (``restore``), as Managed Flink does from its snapshots.
"""

from __future__ import annotations

import os
import socket
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from flink_app.config import JobConfig
from flink_app.job import create_environment, execute, plan
from flink_app.runtime import connector_jar, local_log_dir, prepare_local_jvm
from streamwatch.local.flink_rest import FlinkRest, FlinkRestError
from streamwatch.local.lake_state import LakeState, RestorePoint

LOOPBACK = "127.0.0.1"
# Every socket of the mini-cluster on loopback (the blob server binds jobmanager.bind-host, which
# otherwise defaults to all interfaces).
LOOPBACK_SETTINGS = {
    "rest.bind-address": LOOPBACK,
    "rest.address": LOOPBACK,
    "jobmanager.bind-host": LOOPBACK,
    "jobmanager.rpc.address": LOOPBACK,
    "taskmanager.bind-host": LOOPBACK,
    "taskmanager.host": LOOPBACK,
}
TERMINAL_STATES = ("FINISHED", "FAILED", "CANCELED")
# A Kinesis Processing Unit of Managed Service for Apache Flink is 1 vCPU and 4 GB, of which 1 GB
# is native memory (docs.aws.amazon.com/managed-flink/latest/java/how-resources.html); the service
# runs RocksDB with incremental checkpoints. Local runs give RocksDB this much managed (native)
# memory per slot, i.e. per KPU at one slot per KPU, so that every rate measured here is the one
# the service would see; without it the mini-cluster's default (128 MiB for all slots) starves
# RocksDB and runs many times slower (docs/capacity.md).
KPU_MANAGED_MEMORY_MB = 512


class StateIncompatibleError(RuntimeError):
    """The job's plan changed since the checkpoint it was asked to resume from."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


@dataclass
class RunningJob:
    """A submitted job and the REST endpoint of the mini-cluster running it."""

    table_result: object
    rest_url: str
    restored_from: RestorePoint | None = None
    _execution_result: object = field(default=None, repr=False)
    timings: dict[str, float] = field(default_factory=dict)  # seconds spent per phase, for the user

    @property
    def job_client(self):
        return self.table_result.get_job_client()

    @property
    def job_id(self) -> str:
        return str(self.job_client.get_job_id())

    @property
    def rest(self) -> FlinkRest:
        return FlinkRest(self.rest_url)

    def status(self) -> str:
        """RUNNING, FINISHED, FAILED, ... (the name of Flink's JobStatus); once the mini-cluster of
        an ended job is shut down, the state its execution result gives."""
        if self._result_future().done():
            try:
                self._result_future().result()
                return "FINISHED"
            except Exception:
                return "FAILED"
        try:
            return self.job_client.get_job_status().result().name
        except Exception:  # the mini-cluster shut down between the two calls
            return self.status() if self._result_future().done() else "UNKNOWN"

    def _result_future(self):
        if self._execution_result is None:
            self._execution_result = self.job_client.get_job_execution_result()
        return self._execution_result

    def wait(self) -> None:
        self.table_result.wait()

    def net_runtime_ms(self) -> int:
        """Run time of a finished job, from Flink's job execution result."""
        return int(self._result_future().result().get_net_runtime())

    def request_checkpoint(self) -> None:
        """Ask for a checkpoint now unless one is under way. A bounded job whose input is all read
        commits its last files on the first checkpoint after its tasks finish; asking for it saves
        waiting up to a checkpoint interval."""
        try:
            if self.rest.checkpoints_in_progress(self.job_id) == 0:
                self.rest.trigger_checkpoint(self.job_id)
        except FlinkRestError:
            pass  # not up yet, or already gone: the regular interval commits anyway

    def wait_for_bounded(self, on_tick: Callable[[], None] | None = None, poll_s: float = 0.5) -> None:
        """Wait for a bounded job to finish (``on_tick`` is called while it runs)."""
        while self.status() not in TERMINAL_STATES:
            if on_tick is not None:
                on_tick()
            time.sleep(poll_s)
        self.wait()  # raises with the job's exception when it failed

    def stop_with_savepoint(self, savepoint_dir: Path, drain: bool) -> str:
        """Stop with a savepoint. With ``drain`` the job first advances to the end of event time, so
        every window and session still open is emitted and committed (a final stop); without it
        they stay in the savepoint and a later run resumes them."""
        savepoint_dir.mkdir(parents=True, exist_ok=True)
        location = self.job_client.stop_with_savepoint(drain, savepoint_dir.resolve().as_uri()).result()
        try:
            self.table_result.wait()
        except Exception:  # a stopped job reports its end as an error on some paths; the savepoint is what counts
            pass
        return str(location)

    def cancel(self) -> None:
        try:
            self.job_client.cancel().result()
        except Exception:  # the job may already be gone; whatever ended it matters more
            pass


def state_backend_settings(slots: int) -> dict[str, str]:
    """RocksDB as on the service: incremental checkpoints, and a KPU's worth of managed memory per slot."""
    return {
        "state.backend.type": "rocksdb",
        "execution.checkpointing.incremental": "true",
        "taskmanager.memory.managed.size": f"{KPU_MANAGED_MEMORY_MB * slots}m",
    }


def local_settings(state: LakeState | None, restore: RestorePoint | None,
                   allow_non_restored_state: bool = False, slots: int = 1) -> dict[str, str]:
    """Flink settings of a local run: loopback sockets, RocksDB sized like the service's KPUs for
    ``slots`` slots, checkpoints on the file system (the default JobManager storage caps state at
    5 MiB), retained beside the lake when there is one."""
    checkpoints = state.checkpoints if state is not None else local_log_dir().parent / "checkpoints"
    port = free_port()
    settings = {
        **LOOPBACK_SETTINGS,
        **state_backend_settings(slots),
        "rest.bind-port": str(port),
        "rest.port": str(port),
        # A local run that fails for good should say so, not restart for ever (the default with
        # checkpointing): three restarts, then the error reaches the command.
        "restart-strategy.type": "fixed-delay",
        "restart-strategy.fixed-delay.attempts": "3",
        "restart-strategy.fixed-delay.delay": "2 s",
        # the REST endpoint refreshes metrics every 10 s by default: too coarse for a progress line
        "metrics.fetcher.update-interval": "1000",
        "execution.checkpointing.storage": "filesystem",
        "execution.checkpointing.dir": checkpoints.resolve().as_uri(),
    }
    if state is not None:
        settings["execution.checkpointing.externalized-checkpoint-retention"] = "RETAIN_ON_CANCELLATION"
        settings["execution.checkpointing.savepoint-dir"] = state.savepoints.resolve().as_uri()
    if restore is not None:
        settings["execution.state-recovery.path"] = restore.path.resolve().as_uri()
        settings["execution.state-recovery.ignore-unclaimed-state"] = str(allow_non_restored_state).lower()
    return settings


def start_job(config: JobConfig, extra_settings: dict[str, str] | None = None, variant: str = "full", *,
              state: LakeState | None = None, restore: RestorePoint | None = None,
              allow_non_restored_state: bool = False) -> RunningJob:
    """Prepare the local JVM, create the tables and submit the job; returns once it is submitted.

    With ``restore`` the job starts from that checkpoint or savepoint; a plan that no longer
    matches its state raises StateIncompatibleError (say what to do, rather than fail in a loop).
    """
    # apache-beam (a PyFlink dependency) warns about pkg_resources on import; nothing to act on.
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
    started = time.monotonic()
    prepare_local_jvm(connector_jar())
    slots = config.parallelism or os.cpu_count() or 1  # the mini-cluster gives the job this many slots
    settings = {**local_settings(state, restore, allow_non_restored_state, slots), **(extra_settings or {})}
    environment = create_environment(config, settings)
    environment_ready = time.monotonic()
    try:
        result = execute(environment, plan(config, variant=variant))
    except Exception as error:
        raise _explained(error, restore) from error
    job = RunningJob(table_result=result, rest_url=f"http://{LOOPBACK}:{settings['rest.port']}",
                     restored_from=restore)
    job.timings["JVM and environment"] = environment_ready - started
    job.timings["planning and submission"] = time.monotonic() - environment_ready
    if restore is not None:
        _check_restored(job, restore)
    return job


def _explained(error: Exception, restore: RestorePoint | None) -> Exception:
    text = str(error)
    if restore is not None and ("Cannot map checkpoint/savepoint state" in text or "Failed to rollback" in text):
        return StateIncompatibleError(
            f"the job cannot resume from {restore.path}: its plan changed since that {restore.kind} was taken "
            "(a change to flink_app/sql or to the job's code) and the old state does not map onto it. "
            "Either run the code that wrote it, or start over with --fresh (sessions and windows open in "
            "the old state are lost; what is in the lake stays), or keep the state that still maps with "
            "--allow-non-restored-state. See docs/operations.md, 'Changing the job'."
        )
    return error


def _check_restored(job: RunningJob, restore: RestorePoint, timeout_s: float = 60.0) -> None:
    """A restore that fails does so while the job starts: surface it instead of a restart loop."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        status = job.status()
        if status == "RUNNING":
            try:
                vertices = job.rest.vertices(job.job_id)
            except FlinkRestError:
                vertices = []
            if vertices and all(v.status in ("RUNNING", "FINISHED") for v in vertices):
                return
        if status in ("FAILED", "RESTARTING"):
            try:
                job.wait()
            except Exception as error:
                job.cancel()
                raise _explained(error, restore) from error
            job.cancel()
            raise StateIncompatibleError(f"the job did not start from {restore.path} (it is {status})")
        if status in ("FINISHED", "CANCELED"):
            return
        time.sleep(0.5)


def wait_until(condition: Callable[[], bool], timeout_s: float, poll_s: float = 1.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(poll_s)
    return condition()
