"""Fixtures of the warehouse tests: the curated fixture lake (shared with tests/batch, built once
per session on the session's one Spark) and a warehouse loaded with all its dts."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "lake_fixtures", Path(__file__).resolve().parents[1] / "batch" / "lake_fixtures.py"
)
lake_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lake_fixtures)

FIXTURE_DTS = lake_fixtures.FIXTURE_DTS


@pytest.fixture(scope="session")
def reference():
    return lake_fixtures.load_reference()


@pytest.fixture(scope="session")
def curated_lake(tmp_path_factory) -> Path:
    from batch.spark import local_spark

    with local_spark("streamwatch-tests"):
        return lake_fixtures.curated_lake_in(tmp_path_factory.getbasetemp())


@pytest.fixture
def lake(curated_lake, tmp_path) -> Path:
    """A private copy of the curated fixture lake, without a warehouse yet."""
    copy = Path(shutil.copytree(curated_lake, tmp_path / "lake"))
    (copy / "warehouse.duckdb").unlink(missing_ok=True)
    return copy


@pytest.fixture
def loaded(lake):
    """(lake, DuckDBTarget) with every fixture dt loaded."""
    from warehouse.loader import load_dt
    from warehouse.targets import DuckDBTarget

    target = DuckDBTarget(lake)
    for dt in FIXTURE_DTS:
        load_dt(target, dt)
    yield lake, target
    target.close()
