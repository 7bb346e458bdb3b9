"""Fixtures of the batch tests: one local Spark session for the whole test run, the fixture lake
(tests/data/processed_fixture) copied to a temporary directory, and that copy after the batch has
run for all its dts (built once per session, shared with tests/warehouse)."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("lake_fixtures", Path(__file__).with_name("lake_fixtures.py"))
lake_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lake_fixtures)


@pytest.fixture(scope="session")
def spark():
    from batch.spark import local_session

    session = local_session("streamwatch-tests")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def reference():
    return lake_fixtures.load_reference()


@pytest.fixture
def fixture_lake(tmp_path) -> Path:
    return lake_fixtures.copy_fixture_lake(tmp_path / "lake")


@pytest.fixture(scope="session")
def curated_lake(spark, tmp_path_factory) -> Path:
    """The fixture lake after `batch` for every dt (read-only for tests; copy it to change it)."""
    return lake_fixtures.curated_lake_in(tmp_path_factory.getbasetemp())


@pytest.fixture
def curated_copy(curated_lake, tmp_path) -> Path:
    """A private copy of ``curated_lake`` that a test may change."""
    return Path(shutil.copytree(curated_lake, tmp_path / "lake"))
