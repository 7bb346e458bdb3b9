"""Glue-style job arguments (``--JOB_NAME x --dt 2024-03-09 --processed_uri ...``), parsed once.

On Glue the arguments are resolved by ``awsglue.utils.getResolvedOptions``; elsewhere by an
equivalent parser that, like Glue's, ignores the arguments it was not asked for (Glue passes
``--job-bookmark-option``, ``--TempDir`` and others to every script).
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
from pathlib import Path
from typing import Sequence

ARGUMENT_NAMES = ("JOB_NAME", "dt", "processed_uri", "curated_uri", "reference_uri")


class JobArgumentError(ValueError):
    """An argument is missing or malformed; the message names it."""


@dataclasses.dataclass(frozen=True)
class JobArgs:
    """What every job needs: its name, the day to build and the three zone URIs (no trailing '/')."""

    job_name: str
    dt: str
    processed_uri: str
    curated_uri: str
    reference_uri: str

    def __post_init__(self) -> None:
        validate_dt(self.dt)
        for field in ("processed_uri", "curated_uri", "reference_uri"):
            value = getattr(self, field)
            if not value:
                raise JobArgumentError(f"--{field} is empty")
            object.__setattr__(self, field, value.rstrip("/"))

    @classmethod
    def for_lake(cls, lake: Path, dt: str, job_name: str) -> "JobArgs":
        """The arguments of a local run over a lake directory (zones as file:// URIs)."""
        root = Path(lake).resolve()
        return cls(
            job_name=job_name,
            dt=dt,
            processed_uri=(root / "processed").as_uri(),
            curated_uri=(root / "curated").as_uri(),
            reference_uri=(root / "reference").as_uri(),
        )

    def as_glue_argv(self) -> list[str]:
        """The command line Glue would pass (useful to run a job script by hand)."""
        values = (self.job_name, self.dt, self.processed_uri, self.curated_uri, self.reference_uri)
        argv: list[str] = []
        for name, value in zip(ARGUMENT_NAMES, values):
            argv += [f"--{name}", value]
        return argv


def validate_dt(value: str) -> str:
    """``value`` if it is a calendar date written YYYY-MM-DD, else a JobArgumentError."""
    from batch.completeness import parse_dt

    try:
        parse_dt(value)
    except ValueError:
        raise JobArgumentError(f"--dt must be a date written YYYY-MM-DD, got {value!r}") from None
    return value


def glue_available() -> bool:
    """True inside a Glue job run (the awsglue library is importable)."""
    return importlib.util.find_spec("awsglue") is not None


def resolve_job_args(argv: Sequence[str]) -> JobArgs:
    """Parse ``argv`` (``sys.argv`` form, program name first) the way Glue does."""
    if glue_available():
        from awsglue.utils import getResolvedOptions  # only present on Glue

        resolved = getResolvedOptions(list(argv), list(ARGUMENT_NAMES))
    else:
        resolved = _parse_like_glue(list(argv)[1:])
    return JobArgs(
        job_name=resolved["JOB_NAME"],
        dt=resolved["dt"],
        processed_uri=resolved["processed_uri"],
        curated_uri=resolved["curated_uri"],
        reference_uri=resolved["reference_uri"],
    )


def _parse_like_glue(argv: list[str]) -> dict[str, str]:
    parser = argparse.ArgumentParser(prog="glue-job", add_help=False, allow_abbrev=False)
    for name in ARGUMENT_NAMES:
        parser.add_argument(f"--{name}", dest=name)
    known, _ignored = parser.parse_known_args(argv)
    values = vars(known)
    missing = [f"--{name}" for name in ARGUMENT_NAMES if not values.get(name)]
    if missing:
        raise JobArgumentError(f"missing job argument(s): {', '.join(missing)}")
    return values
