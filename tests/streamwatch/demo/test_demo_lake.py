"""The demo replaces its own previous lake and refuses to clear anything else."""

from __future__ import annotations

import pytest

from streamwatch.demo.streaming import DemoError, prepare_lake


def test_a_previous_demo_lake_is_emptied(tmp_path):
    lake = tmp_path / "lake"
    (lake / "raw" / "dt=2026-11-24" / "hr=00").mkdir(parents=True)
    (lake / "raw" / "dt=2026-11-24" / "hr=00" / "part-0").write_text("{}\n")
    (lake / "report.html").write_text("<html></html>")
    prepare_lake(lake)
    assert lake.is_dir() and list(lake.iterdir()) == []


def test_a_directory_with_other_content_is_left_alone(tmp_path):
    lake = tmp_path / "lake"
    (lake / "raw").mkdir(parents=True)
    (lake / "thesis.tex").write_text("precious")
    with pytest.raises(DemoError, match="thesis.tex"):
        prepare_lake(lake)
    assert (lake / "thesis.tex").read_text() == "precious" and (lake / "raw").is_dir()


def test_a_missing_lake_is_created(tmp_path):
    prepare_lake(tmp_path / "new" / "lake")
    assert (tmp_path / "new" / "lake").is_dir()
