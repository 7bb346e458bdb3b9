"""Shared fixtures: the connector jar check and a one-call replay of records through the real job."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def connector_jar() -> Path:
    """The shaded jar built by `make jar`; without it the Flink tests cannot run, which is an error."""
    from flink_app.runtime import connector_jar as find

    return find()


@pytest.fixture(scope="session")
def replay(connector_jar, tmp_path_factory):
    """replay(records, **overrides) -> Lake: run the job on the records as a bounded file replay (at
    parallelism 1 unless an override says otherwise)."""
    from flink_app.config import load_config
    from streamwatch.local.flink_runner import start_job
    from streamwatch.analyses.lake import Lake

    def run(records: list[str], name: str = "replay", **overrides) -> Lake:
        workdir = tmp_path_factory.mktemp(name)
        source = workdir / "input.jsonl"
        source.write_text("\n".join(records) + "\n", encoding="utf-8")
        config = load_config().with_overrides(
            **{"source_type": "file", "source_input_path": str(source), "lake_root": str(workdir / "lake"),
               "parallelism": 1, **overrides},
        )
        start_job(config).wait()
        return Lake(workdir / "lake")

    return run


def bad_corpus() -> list[tuple[str, str]]:
    """(record, expected reason prefix) pairs of tests/data/bad_records.jsonl plus generated
    oversized values."""
    path = REPO / "tests" / "data" / "bad_records.jsonl"
    pairs = [(row["raw"], row["expect"]) for row in map(json.loads, path.read_text().splitlines()) if row]
    base = {"event_id": "big-1", "event_type": "search", "event_ts": "2026-11-20T23:00:00.000Z", "user_id": "u",
            "device_id": "d", "device_type": "tv", "country": "US", "search_query": "q", "schema_version": 1}
    pairs.append((json.dumps({**base, "user_id": "u" * 5000}), "user_id must have 1 to"))
    pairs.append((json.dumps({**base, "event_id": "big-2", "search_query": "q" * 50_000}), "search_query longer than"))
    pairs.append((json.dumps({**base, "event_id": "big-3", "user_id": ""}), "user_id must have 1 to"))
    return pairs
