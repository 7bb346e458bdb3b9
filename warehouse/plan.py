"""What loading one dt runs, in order: the schema (DDL, the pending migrations, then views), then per
table family: create this load's temporary staging table -> COPY into it -> put the day into the
target, one row per key -> drop the staging table. Staging is temporary (one per session), so two
loads running at once never share a staging table.

The day goes in whole: the daily facts delete the dt and insert staging de-duplicated by key, in
the load's one transaction (a reload replaces the day exactly, and a key staged twice - processed/
read again after a restart - is counted once). dim_title is not per day (the latest version of
each title): its staging is de-duplicated into a second temporary table and MERGEd on title_id,
Redshift's documented form (source and target columns matched, one source row per target row).

Each step names SQL files under ``sql/redshift/`` and the lake prefix its COPY reads.
"""

from __future__ import annotations

import dataclasses

from warehouse.sql_files import sql_names


@dataclasses.dataclass(frozen=True)
class LoadStep:
    """One table family: ``staging`` is COPYed from ``<lake>/<zone>/<source_table>/dt=<dt>/``, then
    either replaces the dt of ``target`` (clear + insert of one row per key) or, for a target that
    is not per day, is MERGEd into it by key from a de-duplicated copy."""

    target: str
    staging: str
    zone: str
    source_table: str
    replace_day: bool = True

    def statement_names(self) -> list[str]:
        stg, target = self.staging, self.target
        if self.replace_day:
            return [f"create_{stg}", f"copy_{stg}", f"clear_{target}", f"insert_{target}", f"drop_{stg}"]
        return [f"create_{stg}", f"copy_{stg}", f"create_{stg}_unique", f"merge_{target}", f"drop_{stg}_unique",
                f"drop_{stg}"]

    def source_uri(self, lake_uri: str, dt: str) -> str:
        return f"{lake_uri.rstrip('/')}/{self.zone}/{self.source_table}/dt={dt}/"


LOAD_STEPS: tuple[LoadStep, ...] = (
    LoadStep("dim_title", "stg_dim_title", "curated", "dim_title", replace_day=False),
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
