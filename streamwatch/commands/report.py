"""``streamwatch report``: the lake's self-contained HTML report.

A thin CLI over ``streamwatch.analyses.report.build_report(lake, out=None) -> Path``.
"""

from __future__ import annotations

from pathlib import Path

import click


@click.command("report")
@click.option("--lake", type=click.Path(file_okay=False, path_type=Path), default=Path("lake"), show_default=True,
              help="Lake directory to report on.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the page [default: <lake>/report.html].")
def command(lake: Path, out: Path | None) -> None:
    """Write an HTML report of the lake: play starts per minute against their outage baseline (when
    the lake has processed/play_starts_1m), watch time per hour, top titles, device split and session
    lengths, as Vega-Altair charts with tooltips (one file with everything inline: it opens offline).

    Reads the curated and processed zones with the Athena queries, so run `streamwatch batch` first.

    \b
    Example:
        streamwatch report --lake lake && xdg-open lake/report.html
    """
    from streamwatch.analyses.play_starts.zone import ZoneError
    from streamwatch.analyses.report import build_report
    from warehouse.athena import AthenaError

    try:
        path = build_report(lake, out)
    except (AthenaError, ZoneError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"report written to {path}")
