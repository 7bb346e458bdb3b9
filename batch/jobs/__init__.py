"""One Glue job script per curated table; each has ``run(spark, args)`` and runs as ``__main__``.

``JOBS`` maps a curated table to its job's module (imported on use).
"""

from __future__ import annotations

import importlib
from types import ModuleType

JOBS: dict[str, str] = {
    "dim_title": "batch.jobs.dim_title",
    "daily_user_engagement": "batch.jobs.daily_user_engagement",
    "daily_title_popularity": "batch.jobs.daily_title_popularity",
    "daily_device_summary": "batch.jobs.daily_device_summary",
}


def job_module(table: str) -> ModuleType:
    if table not in JOBS:
        raise KeyError(f"no batch job builds {table!r}; jobs: {', '.join(JOBS)}")
    return importlib.import_module(JOBS[table])
