"""The producer's catalog: titles (movies and series episodes) and users with their devices.

Everything is drawn from one seed — a seeded Faker instance for names and ``random.Random(seed)`` for
the rest — so the same seed always gives the same catalog. ``write_dim_title`` writes the titles as
JSON lines with exactly the columns of ``curated/dim_title`` (DESIGN §5).

Example::

    catalog = build_catalog(seed=7, users=200)
    write_dim_title(catalog, "lake/reference/dim_title.jsonl")
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from faker import Faker

from producer.atomic import atomic_text_file

KINDS = ("movie", "series")
DEVICE_TYPES = ("tv", "mobile", "tablet", "web", "console")
GENRES = (
    "drama", "comedy", "thriller", "documentary", "sci-fi", "animation",
    "horror", "romance", "action", "crime", "kids", "fantasy",
)

# Home countries of the audience, weighted like a global streaming service (ISO 3166-1 alpha-2).
_COUNTRIES = (
    ("US", 28), ("GB", 7), ("DE", 6), ("FR", 5), ("BR", 8), ("IN", 7), ("JP", 4), ("CA", 4),
    ("MX", 5), ("ES", 3), ("IT", 3), ("AU", 3), ("KR", 3), ("NL", 2), ("SE", 1), ("PL", 2),
    ("AR", 2), ("NG", 1), ("ZA", 1), ("NP", 1), ("PH", 2), ("TR", 2),
)
_DEVICE_WEIGHTS = (35, 30, 10, 15, 10)  # in DEVICE_TYPES order
_DEVICES_PER_USER = ((1, 40), (2, 30), (3, 20), (4, 10))
_APP_VERSIONS = ("5.2.0", "5.1.3", "5.1.2", "5.0.9", "4.12.1")
_NO_APP_VERSION_SHARE = 0.03  # old clients that do not send the optional app_version

DIM_TITLE_FIELDS = ("title_id", "name", "kind", "genre", "release_year", "runtime_ms")


@dataclass(frozen=True)
class Title:
    """One row of dim_title: a movie, or one episode of a series."""

    title_id: str
    name: str
    kind: str  # 'movie' | 'series'
    genre: str
    release_year: int
    runtime_ms: int

    def as_row(self) -> dict[str, object]:
        """The six dim_title columns, in contract order."""
        return {name: getattr(self, name) for name in DIM_TITLE_FIELDS}


@dataclass(frozen=True)
class Device:
    device_id: str
    device_type: str  # one of DEVICE_TYPES
    app_version: str | None


@dataclass(frozen=True)
class User:
    user_id: str
    country: str  # ISO 3166-1 alpha-2, upper case
    devices: tuple[Device, ...]


@dataclass(frozen=True)
class Catalog:
    """Titles, users, and the episode order of each series (for binge watching)."""

    seed: int
    titles: tuple[Title, ...]
    users: tuple[User, ...]
    series: tuple[tuple[str, ...], ...]  # title_ids of each series' episodes, in viewing order
    next_episode: Mapping[str, str] = field(default_factory=dict, repr=False)  # episode -> the next one
    by_id: Mapping[str, Title] = field(default_factory=dict, repr=False, compare=False)


def build_catalog(seed: int, *, users: int = 1000, movies: int = 300, series: int = 60) -> Catalog:
    """A deterministic catalog: the same arguments always give the same catalog."""
    if users < 1 or movies < 0 or series < 0 or movies + series < 1:
        raise ValueError("a catalog needs at least one user and at least one movie or series")
    rng = random.Random(seed)
    fake = Faker("en_US")
    fake.seed_instance(seed)

    titles: list[Title] = []
    for number in range(1, movies + 1):
        titles.append(
            Title(
                title_id=f"mv-{number:05d}",
                name=_title_name(fake, rng),
                kind="movie",
                genre=rng.choice(GENRES),
                release_year=rng.randint(1970, 2025),
                runtime_ms=rng.randint(78, 175) * 60_000 + rng.randrange(60_000),
            )
        )
    series_ids: list[tuple[str, ...]] = []
    for number in range(1, series + 1):
        show = _title_name(fake, rng)
        genre = rng.choice(GENRES)
        year = rng.randint(1995, 2025)
        minutes = rng.choice((22, 25, 30, 42, 45, 50, 55))
        episodes: list[str] = []
        for season in range(1, rng.randint(1, 3) + 1):
            for episode in range(1, rng.randint(4, 10) + 1):
                title_id = f"sr-{number:04d}-s{season:02d}e{episode:02d}"
                titles.append(
                    Title(
                        title_id=title_id,
                        name=f"{show} S{season:02d}E{episode:02d}",
                        kind="series",
                        genre=genre,
                        release_year=min(2025, year + season - 1),
                        runtime_ms=(minutes + rng.randint(-3, 6)) * 60_000 + rng.randrange(60_000),
                    )
                )
                episodes.append(title_id)
        series_ids.append(tuple(episodes))

    country_codes = [c for c, _ in _COUNTRIES]
    country_weights = [w for _, w in _COUNTRIES]
    device_counts = [n for n, _ in _DEVICES_PER_USER]
    device_count_weights = [w for _, w in _DEVICES_PER_USER]
    seen: set[str] = set()
    people: list[User] = []
    for _ in range(users):
        devices = tuple(
            Device(
                device_id=_unique_id("dev-", rng, seen),
                device_type=rng.choices(DEVICE_TYPES, _DEVICE_WEIGHTS)[0],
                app_version=None if rng.random() < _NO_APP_VERSION_SHARE else rng.choice(_APP_VERSIONS),
            )
            for _ in range(rng.choices(device_counts, device_count_weights)[0])
        )
        people.append(
            User(
                user_id=_unique_id("usr-", rng, seen),
                country=rng.choices(country_codes, country_weights)[0],
                devices=devices,
            )
        )

    following = {
        episode: episodes[index + 1]
        for episodes in series_ids
        for index, episode in enumerate(episodes[:-1])
    }
    return Catalog(
        seed=seed,
        titles=tuple(titles),
        users=tuple(people),
        series=tuple(series_ids),
        next_episode=MappingProxyType(following),
        by_id=MappingProxyType({title.title_id: title for title in titles}),
    )


def write_dim_title(catalog: Catalog, path: str | os.PathLike[str]) -> Path:
    """Write the titles as JSON lines (the six dim_title fields) atomically; returns the path.

    The lines go to a temporary file beside ``path`` that replaces it only once complete, so a
    reader never sees half a catalog.
    """
    target = Path(path)
    with atomic_text_file(target) as handle:
        for title in catalog.titles:
            handle.write(json.dumps(title.as_row(), ensure_ascii=False, separators=(",", ":")))
            handle.write("\n")
    return target


def _title_name(fake: Faker, rng: random.Random) -> str:
    words = [word.capitalize() for word in fake.words(nb=rng.randint(1, 3))]
    if rng.random() < 0.3:
        words.insert(0, "The")
    if rng.random() < 0.15:
        words.append(rng.choice(("II", "Returns", "Rising", "Forever")))
    return " ".join(words)


def _unique_id(prefix: str, rng: random.Random, seen: set[str]) -> str:
    while True:
        candidate = f"{prefix}{rng.getrandbits(48):012x}"
        if candidate not in seen:
            seen.add(candidate)
            return candidate
