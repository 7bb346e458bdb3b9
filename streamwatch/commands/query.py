"""``streamwatch query``: an Athena query (sql/athena/queries/NAME.sql, or --sql TEXT) over the local
lake. A thin CLI over ``warehouse.athena.LocalAthena(lake).run_query(name) / .execute(sql)``.
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console


@click.command("query")
@click.argument("name", required=False)
@click.option("--sql", "sql_text", help="Athena SQL to run instead of a named query.")
@click.option("--lake", type=click.Path(file_okay=False, path_type=Path), default=Path("lake"), show_default=True,
              help="Lake directory to query.")
@click.option("--format", "output", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
              help="How to print the rows.")
@click.option("--list", "list_only", is_flag=True, help="List the named queries and tables, and exit.")
def command(name: str | None, sql_text: str | None, lake: Path, output: str, list_only: bool) -> None:
    """Run an Athena query over the local lake and print its rows.

    Tables (sql/athena/tables) are views over the lake's Parquet and JSON files; the query is
    translated from Athena (Trino) SQL to DuckDB by sqlglot.

    \b
    Examples:
        streamwatch query top_titles_daily --lake lake
        streamwatch query --sql "select dt, count(*) as sessions from sessions group by dt" --format csv
        streamwatch query --list
    """
    from streamwatch.analyses.report.terminal import rows_csv, rows_json, rows_table
    from warehouse.athena import AthenaError, LocalAthena, query_names, table_names
    from warehouse.sql_files import SqlFileError

    console = Console()
    if list_only:
        console.print("queries: " + ", ".join(query_names()))
        console.print("tables:  " + ", ".join(table_names()))
        return
    if bool(name) == bool(sql_text):
        raise click.UsageError("give a query NAME or --sql TEXT (not both); --list shows the names")
    try:
        engine = LocalAthena(lake)
        try:
            rows = engine.run_query(name) if name else engine.execute(sql_text)
        finally:
            engine.close()
    except (AthenaError, SqlFileError) as error:
        raise click.ClickException(str(error)) from None
    except Exception as error:  # a DuckDB error: bad column, bad function ...
        if type(error).__module__.split(".")[0] not in ("duckdb", "_duckdb"):
            raise
        raise click.ClickException(f"query failed: {error}") from None
    if output == "csv":
        click.echo(rows_csv(rows.columns, rows.rows), nl=False)
    elif output == "json":
        click.echo(rows_json(rows.columns, rows.rows))
    else:
        console.print(rows_table(name or "query", rows.columns, rows.rows))
        console.print(f"{len(rows.rows)} row(s)")
