"""What loading one dt runs, in order: the schema (DDL, then views), then per table family
create this load's temporary staging table -> COPY into it -> merge into the target -> prune the
dt's stale rows -> drop the staging table. Staging is temporary (one per session), so two loads
running at once never share a staging table.

Each step names SQL files under ``sql/redshift/`` and the lake prefix its COPY reads.
"""

from __future__ import annotations

import dataclasses

from warehouse.sql_files import sql_names


@dataclasses.dataclass(frozen=True)
class LoadStep:
    """One table family: ``staging`` is COPYed from ``<lake>/<zone>/<source_table>/dt=<dt>/``
    and merged into ``target``; ``prune`` deletes the dt's target rows staging no longer has."""

    target: str
    staging: str
    zone: str
    source_table: str
    prune: bool = True

    def statement_names(self) -> list[str]:
        names = [f"create_{self.staging}", f"copy_{self.staging}", f"merge_{self.target}"]
        return names + ([f"prune_{self.target}"] if self.prune else []) + [f"drop_{self.staging}"]

    def source_uri(self, lake_uri: str, dt: str) -> str:
        return f"{lake_uri.rstrip('/')}/{self.zone}/{self.source_table}/dt={dt}/"


LOAD_STEPS: tuple[LoadStep, ...] = (
    LoadStep("dim_title", "stg_dim_title", "curated", "dim_title", prune=False),
    LoadStep("fact_title_daily", "stg_title_daily", "curated", "daily_title_popularity"),
    LoadStep("fact_user_daily", "stg_user_daily", "curated", "daily_user_engagement"),
    LoadStep("fact_device_daily", "stg_device_daily", "curated", "daily_device_summary"),
    LoadStep("fact_watch_session", "stg_watch_session", "processed", "sessions"),
)

# Views, with the order a reader wants their rows in.
VIEW_ORDER: dict[str, tuple[str, ...]] = {
    "top_titles_daily": ("dt", "watch_rank"),
    "watch_hours_by_device_country": ("dt", "device_type", "country"),
    "daily_active_users": ("dt",),
    "session_length_distribution": ("dt", "band_order"),
    "binge_sessions": ("dt", "session_start", "session_id"),
}


def ddl_names() -> list[str]:
    return sql_names("redshift", "ddl")


def view_names() -> list[str]:
    from warehouse.view_sql import view_names as names  # generated from Athena queries, or hand-written

    return names()
