"""The object-count formulas against arithmetic written out here."""

from __future__ import annotations

import math

import pytest

from streamwatch.analyses.capacity.objects import (compacted_objects, daily_compacted_objects, requests_per_object,
                                          uncompacted_objects, writers_with_rows)

MIB = 1024**2


@pytest.mark.parametrize("bytes_per_cell, files", [(1, 1), (128 * MIB, 1), (128 * MIB + 1, 2), (1000 * MIB, 8)])
def test_compaction_writes_ceil_of_a_cell_s_bytes_over_the_file_size(bytes_per_cell, files):
    assert compacted_objects(cells=100, bytes_per_day=100 * bytes_per_cell, file_bytes=128 * MIB) == 100 * files


def test_no_cells_no_objects():
    assert compacted_objects(cells=0, bytes_per_day=0, file_bytes=128 * MIB) == 0


def test_without_compaction_every_instance_with_a_row_writes_a_file():
    # 10 rows over 4 instances: 4 x (1 - e^-2.5) of them get one
    assert uncompacted_objects(rows_per_cell=10, cells=1440, writers=4) == pytest.approx(
        1440 * 4 * (1 - math.exp(-2.5)))
    assert uncompacted_objects(rows_per_cell=1e9, cells=10, writers=200, split=3) == pytest.approx(10 * 200 * 3)


def test_a_multipart_upload_is_create_parts_complete():
    assert requests_per_object(0, 5 * MIB) == 3  # create, one part, complete
    assert requests_per_object(1, 5 * MIB) == 3
    assert requests_per_object(12 * MIB, 5 * MIB) == 5


def test_writers_with_rows_is_the_poisson_share_of_instances_that_get_one():
    assert writers_with_rows(0, 5) == 0
    assert writers_with_rows(1e6, 5) == pytest.approx(5)
    assert writers_with_rows(1, 1) == pytest.approx(1 - 1 / math.e)


def test_the_daily_compaction_leaves_ceil_of_an_hour_s_bytes_over_the_file_size_per_hour():
    assert daily_compacted_objects(cells=1440, bytes_per_day=24 * 200 * MIB, file_bytes=128 * MIB) == 24 * 2
    assert daily_compacted_objects(cells=1440, bytes_per_day=24 * 1, file_bytes=128 * MIB) == 24
    assert daily_compacted_objects(cells=2.2, bytes_per_day=3 * MIB, file_bytes=128 * MIB) == 3  # rows in 3 hours
    assert daily_compacted_objects(cells=0, bytes_per_day=0, file_bytes=128 * MIB) == 0
