"""What a local run of the streaming job keeps beside the lake it writes, in ``<lake>/_flink/``.

* ``run.lock``: held (flock) by the one ``streamwatch stream`` or demo writing the lake; a second
  run on the same lake is refused while it lives, and a killed run leaves no stale lock.
* ``checkpoints/<job-id>/chk-N/``: Flink's retained checkpoints, and ``savepoints/`` the savepoints
  a stop takes: the next run resumes from the newest of them (a directory holding ``_metadata``).
* ``drained``: the last run stopped with a drain (every session and window flushed); resuming its
  state would split the sessions open at that time, so a further run must start ``--fresh``.
* ``replay-input.jsonl``: a replay's staged input (``streamwatch/local/replay_input.py``): several JSON-lines
  files concatenated in path order, or a raw zone's records one JSON array a line in arrival order;
  kept until the replay has finished so that a killed replay resumes on the same file.

And in the lake itself, for the batch side: ``processed/stream_progress/_END_OF_INPUT`` says the
last run ended with its watermark at the end of time (docs/operations.md).

Names start with ``_`` so that no lake reader (Spark, Athena, DuckDB, COPY) takes them for data.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import IO

STATE_DIR = "_flink"
END_OF_INPUT = Path("processed") / "stream_progress" / "_END_OF_INPUT"


class LakeBusyError(RuntimeError):
    """Another run is writing the lake."""


@dataclass(frozen=True)
class RestorePoint:
    """A completed checkpoint or savepoint of an earlier run."""

    path: Path
    kind: str  # "checkpoint" or "savepoint"
    taken_at: datetime

    @property
    def name(self) -> str:
        return self.path.name

    def describe(self) -> str:
        """e.g. ``checkpoint chk-12 of job 3f2a…, taken 2026-11-29 21:03:12 UTC, 2 min ago``."""
        age = (datetime.now(timezone.utc) - self.taken_at).total_seconds()
        origin = f" of job {self.path.parent.name}" if self.kind == "checkpoint" else ""
        return f"{self.kind} {self.name}{origin}, taken {self.taken_at:%Y-%m-%d %H:%M:%S} UTC, {_age(age)} ago"


def _age(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


class LakeState:
    """The ``_flink/`` directory of one lake; see the module docstring."""

    def __init__(self, lake: Path) -> None:
        self.lake = Path(lake)
        self.root = self.lake / STATE_DIR
        self._lock: IO[str] | None = None

    @property
    def checkpoints(self) -> Path:
        return self.root / "checkpoints"

    @property
    def savepoints(self) -> Path:
        return self.root / "savepoints"

    @property
    def replay_input(self) -> Path:
        return self.root / "replay-input.jsonl"

    @property
    def end_of_input(self) -> Path:
        return self.lake / END_OF_INPUT

    # --- one run at a time ------------------------------------------------------------------------

    def lock(self) -> None:
        """Take the lake for this process; LakeBusyError names the run that holds it."""
        self.root.mkdir(parents=True, exist_ok=True)
        handle = open(self.root / "run.lock", "a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise LakeBusyError(
                f"{self.lake} is being written by another streamwatch run ({holder}); "
                "stop it first, or choose another --lake"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {datetime.now(timezone.utc):%Y-%m-%d %H:%M:%S} UTC\n")
        handle.flush()
        self._lock = handle

    def unlock(self) -> None:
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    def __enter__(self) -> "LakeState":
        self.lock()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.unlock()

    # --- resuming ---------------------------------------------------------------------------------

    def restore_points(self) -> list[RestorePoint]:
        """Completed checkpoints and savepoints, oldest first."""
        points = []
        for kind, base, pattern in (("checkpoint", self.checkpoints, "*/chk-*/_metadata"),
                                    ("savepoint", self.savepoints, "*/_metadata")):
            if base.is_dir():
                for metadata in base.glob(pattern):
                    taken = datetime.fromtimestamp(metadata.stat().st_mtime, timezone.utc)
                    points.append(RestorePoint(path=metadata.parent, kind=kind, taken_at=taken))
        return sorted(points, key=lambda point: point.taken_at)

    def latest_restore_point(self) -> RestorePoint | None:
        points = self.restore_points()
        return points[-1] if points else None

    def forget_restore_points(self, keep: RestorePoint | None = None) -> None:
        """Delete every checkpoint and savepoint but ``keep`` (older runs' state is of no use)."""
        for base in (self.checkpoints, self.savepoints):
            if not base.is_dir():
                continue
            for entry in base.iterdir():
                if keep is not None and keep.path.is_relative_to(entry):
                    continue
                shutil.rmtree(entry, ignore_errors=True)

    @property
    def drained(self) -> bool:
        return (self.root / "drained").exists()

    def mark_drained(self) -> None:
        (self.root / "drained").write_text(datetime.now(timezone.utc).isoformat() + "\n", encoding="utf-8")

    def clear_drained(self) -> None:
        (self.root / "drained").unlink(missing_ok=True)

    # --- progress published for the batch side ---------------------------------------------------

    def mark_end_of_input(self, how: str) -> None:
        """Every window and session of the input is flushed and committed: all dts are complete."""
        marker = self.end_of_input
        marker.parent.mkdir(parents=True, exist_ok=True)
        temporary = marker.with_name(marker.name + ".tmp")
        ended = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        temporary.write_text(json.dumps({"ended_at": ended, "how": how}) + "\n", encoding="utf-8")
        temporary.replace(marker)

    def clear_end_of_input(self) -> None:
        self.end_of_input.unlink(missing_ok=True)

    def has_output(self) -> bool:
        """True when a zone of the lake already holds files."""
        return any((self.lake / zone).is_dir() and any((self.lake / zone).iterdir())
                   for zone in ("raw", "dlq", "late", "processed"))
