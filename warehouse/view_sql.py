"""The warehouse views and where their SQL comes from.

Four views answer exactly the question of an Athena query (``sql/athena/queries``) over the tables
the warehouse loads from the same lake; they are generated from that query with sqlglot -- its
tables renamed to the warehouse's, its ``order by`` dropped (a view has no order), wrapped in
``create or replace view`` -- rather than kept as a second hand-written copy. A view that cannot be
generated that way (``top_titles_daily``: the warehouse's dim_title holds the latest version of each
title, the lake's keeps a snapshot per dt) stays hand-written in ``sql/redshift/views``; a test runs
every pair on the same lake and compares their rows.
"""

from __future__ import annotations

from sqlglot import exp

from warehouse.sql_files import SqlFileError, parse_file, sql_names, sql_path

# view -> the Athena query it is generated from
GENERATED_FROM_ATHENA: dict[str, str] = {
    "daily_active_users": "daily_active_users",
    "watch_hours_by_device_country": "watch_hours_by_device_country",
    "session_length_distribution": "session_length_distribution",
    "binge_sessions": "binge_sessions",
}
# the Athena table -> the warehouse table loaded from the same lake data
WAREHOUSE_TABLE_OF: dict[str, str] = {
    "sessions": "fact_watch_session",
    "daily_user_engagement": "fact_user_daily",
    "daily_title_popularity": "fact_title_daily",
    "daily_device_summary": "fact_device_daily",
    "dim_title": "dim_title",
}
# Athena query -> warehouse view of the same question (generated or hand-written)
SAME_QUESTION: dict[str, str] = {**{query: view for view, query in GENERATED_FROM_ATHENA.items()},
                                 "top_titles_daily": "top_titles_daily"}


def view_names() -> list[str]:
    return sorted(set(sql_names("redshift", "views")) | set(GENERATED_FROM_ATHENA))


def view_statement(name: str) -> exp.Expression:
    """``create or replace view <name> as ...`` as a Redshift tree."""
    if name in GENERATED_FROM_ATHENA:
        return generated_view(name)
    return parse_file(sql_path("redshift", "views", name), "redshift")


def generated_view(name: str) -> exp.Create:
    query = parse_file(sql_path("athena", "queries", GENERATED_FROM_ATHENA[name]), "athena")
    if not isinstance(query, exp.Query):
        raise SqlFileError(f"sql/athena/queries/{GENERATED_FROM_ATHENA[name]}.sql is not a query")
    query.set("order", None)
    query.set("limit", None)
    ctes = {cte.alias for cte in query.find_all(exp.CTE)}
    for table in query.find_all(exp.Table):
        if table.name in ctes:
            continue
        if table.name not in WAREHOUSE_TABLE_OF:
            raise SqlFileError(f"view {name}: the warehouse has no table for Athena's {table.name!r}")
        table.set("this", exp.to_identifier(WAREHOUSE_TABLE_OF[table.name]))
        table.set("db", None)
        table.set("catalog", None)
    return exp.Create(this=exp.to_table(name), kind="VIEW", replace=True, expression=query)
