"""Helpers behind the lake fixtures of tests/batch and tests/warehouse (loaded by path, as the
tests are not a package): the fixture lake, its curated form, and the plain-Python reference."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
FIXTURE_LAKE = HERE.parents[1] / "tests" / "data" / "processed_fixture"
FIXTURE_DTS = ["2024-03-09", "2024-03-10", "2024-03-11"]


def load_module(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_reference() -> ModuleType:
    return load_module("curated_reference", HERE / "curated_reference.py")


def copy_fixture_lake(destination: Path) -> Path:
    shutil.copytree(FIXTURE_LAKE, destination, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return destination


def curated_lake_in(basetemp: Path) -> Path:
    """The fixture lake after `batch` for every dt, built once per test session under ``basetemp``."""
    from batch.runner import run_local

    lake = basetemp / "curated_lake"
    if not (lake / ".built").exists():
        shutil.rmtree(lake, ignore_errors=True)
        copy_fixture_lake(lake)
        run_local(lake, FIXTURE_DTS)
        (lake / ".built").write_text("ok")
    return lake
