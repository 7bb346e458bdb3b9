"""``streamwatch demo``: the whole pipeline locally, on embedded defaults."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="demo")
@click.option("--events", type=click.IntRange(min=1), default=100_000, show_default=True,
              help="Events to simulate (~500 records/s go into the local Kinesis while the job reads it on 2 cores).")
@click.option("--seed", type=int, default=7, show_default=True, help="Seed of the simulated catalog and viewing.")
@click.option("--lake", type=click.Path(path_type=Path), default=Path("lake"), show_default=True,
              help="Output lake; a previous demo lake there is replaced.")
@click.option("--stream-only", is_flag=True, help="Stop after the streaming part (no batch, warehouse or report).")
def command(events: int, seed: int, lake: Path, stream_only: bool) -> None:
    """Run the pipeline end to end on this machine, with no AWS account.

    Starts a local Kinesis and a local CloudWatch (moto) on 127.0.0.1, produces simulated playback
    events into the stream (with a few redeliveries, late and malformed records, and 3% of the
    devices with a clock 10 minutes fast, 3% 4 minutes slow), runs the Flink job on the local
    mini-cluster until it has read every record, stops it with a drain, and prints what the lake
    holds with the check that records in = on-time + duplicates + DLQ + late first arrivals (a
    duplicate the dedup had let go is in late/ too, counted once), then
    the play starts per minute the job published and their outage check. Then runs the daily
    batch, loads the local warehouse and writes lake/report.html. Exits non-zero if anything does
    not add up.

    \b
    Examples:
        streamwatch demo
        streamwatch demo --events 20000 --lake /tmp/demo-lake --stream-only
    """
    import os

    from rich.console import Console

    # gRPC (loaded with PyFlink) logs a fork notice when Spark starts its workers; not actionable.
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
    from streamwatch.demo.batch import batch_demo_part
    from streamwatch.demo.streaming import DemoError, DemoSettings, injected_differences, render_play_starts, run_stream_demo
    from streamwatch.analyses.play_starts.terminal import print_lake
    from streamwatch.analyses.summary import render

    console = Console()
    try:
        result = run_stream_demo(DemoSettings(events=events, seed=seed, lake=lake), console)
    except DemoError as error:
        raise click.ClickException(str(error)) from None
    summary = result.summary
    render(summary, console)
    render_play_starts(result.play_starts, console)
    print_lake(lake, console, rows=10)
    if not summary.adds_up:
        raise click.ClickException("the records do not add up; see the table above")
    differences = injected_differences(summary, result.ledger)
    if differences:
        raise click.ClickException("the lake does not hold what the producer injected: " + "; ".join(differences))
    console.print(f"as injected: {result.ledger.duplicates:,} redeliveries, {result.ledger.late:,} late events and "
                  f"{result.ledger.malformed:,} malformed records, and no other event late (the skewed devices' "
                  "events were placed by sent_at)")
    if stream_only:
        return
    batch_demo_part(lake, sorted(p.name.split("=", 1)[1] for p in (lake / "processed" / "sessions").glob("dt=*")), console)
