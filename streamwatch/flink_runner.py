"""Running the Flink job on the local mini-cluster: submit, wait, stop with a drain.

The job runs inside the JVM that PyFlink starts; its REST endpoint (the Flink UI) is bound to
127.0.0.1 on a free port.
"""

from __future__ import annotations

import shutil
import socket
import tempfile
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from flink_app.config import JobConfig
from flink_app.job import create_table_environment, execute, plan
from flink_app.runtime import connector_jar, local_log_dir, prepare_local_jvm
from warehouse.lake_files import LocalFiles


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningJob:
    """A submitted job and the REST endpoint of the mini-cluster running it."""

    table_result: object
    rest_url: str

    @property
    def job_client(self):
        return self.table_result.get_job_client()

    @property
    def job_id(self) -> str:
        return str(self.job_client.get_job_id())

    def status(self) -> str:
        """RUNNING, FINISHED, FAILED, ... (the name of Flink's JobStatus)."""
        return self.job_client.get_job_status().result().name

    def wait(self) -> None:
        self.table_result.wait()

    def net_runtime_ms(self) -> int:
        """Run time of a finished job, from Flink's job execution result."""
        return int(self.job_client.get_job_execution_result().result().get_net_runtime())

    def stop_with_drain(self, savepoint_dir: Path) -> str:
        """Stop with a savepoint after advancing to the end of event time, so every window and
        session still open is emitted and the file sinks commit."""
        future = self.job_client.stop_with_savepoint(True, savepoint_dir.resolve().as_uri())
        location = future.result()
        self.table_result.wait()
        return str(location)


def start_job(config: JobConfig, extra_settings: dict[str, str] | None = None, scan_only: bool = False) -> RunningJob:
    """Prepare the local JVM, create the tables and submit the job; returns once it is submitted."""
    # apache-beam (a PyFlink dependency) warns about pkg_resources on import; nothing to act on.
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
    prepare_local_jvm(connector_jar())
    port = free_port()
    # The default JobManager checkpoint storage caps state at 5 MiB; checkpoints of a real stream
    # exceed that, and the file sinks only commit on completed checkpoints. (Managed Flink brings
    # its own checkpoint storage, so this is for the local mini-cluster only.)
    checkpoints = local_log_dir().parent / "checkpoints"
    settings = {
        "execution.checkpointing.storage": "filesystem",
        "execution.checkpointing.dir": "file://" + str(checkpoints),
        "rest.bind-address": "127.0.0.1",
        "rest.address": "127.0.0.1",
        "rest.bind-port": str(port),
        "rest.port": str(port),
        **(extra_settings or {}),
    }
    table_env = create_table_environment(config, settings)
    result = execute(table_env, plan(config, scan_only=scan_only))
    return RunningJob(table_result=result, rest_url=f"http://127.0.0.1:{port}")


def wait_until(condition: Callable[[], bool], timeout_s: float, poll_s: float = 1.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(poll_s)
    return condition()


def input_files(path: Path) -> list[Path]:
    """The JSONL files of a replay input: the file itself, or every data file under a directory
    (hidden and ``_``-prefixed names skipped), in path order — which for the raw zone's
    ``dt=/hr=`` partitions is event-time order."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise FileNotFoundError(f"replay input {path} does not exist")
    files = [Path(file) for file in LocalFiles().data_files(str(path))]
    if not files:
        raise FileNotFoundError(f"replay input {path} holds no data files")
    return files


@contextmanager
def ordered_replay_input(path: Path) -> Iterator[Path]:
    """One file to replay, in order. Several files are concatenated (path order) into a temporary
    file: Flink's file source reads the files of a directory in no defined order, and replaying
    hour 10 after hour 11 would turn all of hour 10 late."""
    files = input_files(path)
    if len(files) == 1:
        yield files[0]
        return
    workdir = Path(tempfile.mkdtemp(prefix="streamwatch-replay-"))
    try:
        combined = workdir / "replay.jsonl"
        with combined.open("wb") as out:
            for file in files:
                with file.open("rb") as source:
                    shutil.copyfileobj(source, out, length=1 << 20)
                out.write(b"\n")  # a file without a final newline must not glue two records
        yield combined
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
