from __future__ import annotations

import json
import re

import pytest

from producer.catalog import build_catalog, write_dim_title

DIM_TITLE_COLUMNS = ["title_id", "name", "kind", "genre", "release_year", "runtime_ms"]


def test_same_seed_same_catalog_other_seed_other_catalog():
    first = build_catalog(11, users=50)
    again = build_catalog(11, users=50)
    other = build_catalog(12, users=50)
    assert first == again
    assert [t.name for t in first.titles] == [t.name for t in again.titles]
    assert [u.user_id for u in first.users] == [u.user_id for u in again.users]
    assert [t.name for t in first.titles] != [t.name for t in other.titles]
    assert [u.user_id for u in first.users] != [u.user_id for u in other.users]


def test_titles_and_users_are_well_formed():
    catalog = build_catalog(3, users=300, movies=40, series=10)
    movies = [t for t in catalog.titles if t.kind == "movie"]
    episodes = [t for t in catalog.titles if t.kind == "series"]
    assert len(movies) == 40 and len(episodes) > 10
    assert {t.kind for t in catalog.titles} == {"movie", "series"}
    assert len({t.title_id for t in catalog.titles}) == len(catalog.titles)
    for title in catalog.titles:
        assert title.name.strip() and title.genre
        assert 1900 < title.release_year <= 2030
        assert 10 * 60_000 <= title.runtime_ms <= 4 * 3_600_000
    assert len(catalog.series) == 10

    assert len(catalog.users) == 300
    assert len({u.user_id for u in catalog.users}) == 300
    device_ids = [d.device_id for u in catalog.users for d in u.devices]
    assert len(set(device_ids)) == len(device_ids)
    for user in catalog.users:
        assert re.fullmatch(r"[A-Z]{2}", user.country)
        assert 1 <= len(user.devices) <= 4
        assert all(d.device_type in {"tv", "mobile", "tablet", "web", "console"} for d in user.devices)
    assert {len(u.devices) for u in catalog.users} == {1, 2, 3, 4}
    assert len({u.country for u in catalog.users}) > 5


def test_series_episodes_chain_in_order():
    catalog = build_catalog(5, users=1, movies=1, series=4)
    for episodes in catalog.series:
        # the ids spell season and episode: their order must be the chain's order
        numbers = [tuple(int(x) for x in re.search(r"s(\d+)e(\d+)$", e).groups()) for e in episodes]
        assert numbers == sorted(numbers)
        for current, following in zip(episodes, episodes[1:]):
            assert catalog.next_episode[current] == following
        assert episodes[-1] not in catalog.next_episode


def test_write_dim_title_writes_the_six_columns_atomically(tmp_path):
    catalog = build_catalog(9, users=5, movies=7, series=2)
    target = tmp_path / "reference" / "dim_title.jsonl"
    write_dim_title(catalog, target)
    lines = target.read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    assert len(rows) == len(catalog.titles)
    for row, title in zip(rows, catalog.titles):
        assert list(row) == DIM_TITLE_COLUMNS
        assert row["title_id"] == title.title_id and row["runtime_ms"] == title.runtime_ms
        assert isinstance(row["release_year"], int) and row["kind"] in ("movie", "series")
    assert [p.name for p in target.parent.iterdir()] == ["dim_title.jsonl"]  # no temporary file left


def test_write_dim_title_keeps_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    target = tmp_path / "dim_title.jsonl"
    target.write_text("old\n", encoding="utf-8")
    catalog = build_catalog(9, users=5, movies=7, series=2)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("producer.catalog.json.dumps", broken)
    with pytest.raises(OSError, match="disk full"):
        write_dim_title(catalog, target)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["dim_title.jsonl"]
