"""``streamwatch summary``: what a lake holds, and whether it adds up."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="summary")
@click.option("--lake", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("lake"),
              show_default=True, help="Root of the lake to count.")
@click.option("--records-in", type=click.IntRange(min=0),
              help="Records the job received (e.g. the producer's 'sent'); default: raw rows + DLQ rows.")
def command(lake: Path, records_in: int | None) -> None:
    """Count the zones of a lake written by the streaming job and check its accounting:
    records in = on-time unique events + duplicates + DLQ rows + late first arrivals, and
    raw rows + DLQ rows = records in. A duplicate that arrived after the dedup had let its
    event_id go is in late/ too; it counts once, as a duplicate.

    Without --records-in the input is taken to be every record the lake kept (raw + DLQ rows,
    counted from the Parquet footers), which checks that every valid event is either in a
    session, a duplicate or in late/.

    \b
    Example:
        streamwatch summary --lake lake --records-in 100931
    """
    from rich.console import Console

    from streamwatch.analyses.lake import Lake
    from streamwatch.analyses.summary import render, summarize

    store = Lake(lake)
    if records_in is None:
        records_in = store.row_count("raw") + store.row_count("dlq")
    summary = summarize(store, records_in=records_in)
    render(summary, Console())
    if not summary.adds_up:
        raise click.ClickException("the records do not add up")
