"""``streamwatch plan``: what N concurrent viewers need on AWS, every figure with what it rests on."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="plan")
@click.option("--concurrent-viewers", type=click.IntRange(min=1), required=True,
              help="Viewers watching at the daily peak.")
@click.option("--bench", "bench_path", type=click.Path(path_type=Path), default=Path("bench-results/latest.json"),
              show_default=True, help="The JSON `make bench` wrote (throughput per core, lake sizes).")
@click.option("--headroom", type=click.FloatRange(min=0, max=1, max_open=True), default=0.25, show_default=True,
              help="Share of Kinesis and Flink capacity kept free at the peak.")
@click.option("--months", type=click.IntRange(min=1), default=12, show_default=True,
              help="Price the storage of the zones kept for good in this month of operation.")
@click.option("--titles", type=click.IntRange(min=1),
              help="Titles of the real catalog, each watched in every 5-minute window [default: the titles the "
                   "simulated viewers watched].")
@click.option("--prices", "prices_path", type=click.Path(path_type=Path),
              help="JSON file replacing list prices (another region, a newer price list); see docs/capacity.md.")
@click.option("--redshift-rpu-hours-per-day", type=click.FloatRange(min=0), default=0.0,
              help="Price this much Redshift Serverless compute (not measured) [default: left out].")
@click.option("--glue-dpu-hours-per-day", type=click.FloatRange(min=0), default=0.0,
              help="Price this much Glue batch (not measured at this volume) [default: left out].")
@click.option("--sample-users", type=click.IntRange(min=10), default=2000, show_default=True,
              help="Simulated users the events per viewer are measured on.")
@click.option("--sample-days", type=click.IntRange(min=1), default=2, show_default=True,
              help="Simulated whole days (after a warm-up) the events per viewer are measured over.")
@click.option("--seed", type=int, default=1, show_default=True, help="The simulator's seed.")
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON instead of tables.")
def command(concurrent_viewers: int, bench_path: Path, headroom: float, months: int, titles: int | None,
            prices_path: Path | None, redshift_rpu_hours_per_day: float, glue_dpu_hours_per_day: float,
            sample_users: int, sample_days: int, seed: int, as_json: bool) -> None:
    """Plan capacity and monthly cost for CONCURRENT_VIEWERS watching at the peak: events/s, Kinesis
    shards or on-demand, Managed Flink KPUs and parallelism, S3 objects and bytes per zone per day,
    Redshift storage. Each line says what it rests on: the simulator's events per watching
    viewer-minute (measured here, in-process), the throughput per core and the lake sizes `make bench`
    saved, a cited service limit or the stack template's defaults, and the date of every price.

    \b
    Examples:
        streamwatch plan --concurrent-viewers 50000000
        streamwatch plan --concurrent-viewers 200000 --bench /tmp/latest.json --json
    """
    from rich.console import Console

    from streamwatch.capacity.bench_figures import BenchResultsError, load_bench
    from streamwatch.capacity.model import Settings, build_plan
    from streamwatch.capacity.render import plan_json, print_plan
    from streamwatch.capacity.sources import SourcesError, load_prices, template_defaults
    from streamwatch.capacity.viewers import sample_simulator

    try:
        bench = load_bench(bench_path)
        prices = load_prices(prices_path)
        template = template_defaults()
    except (BenchResultsError, SourcesError) as error:
        raise click.ClickException(str(error)) from None
    settings = Settings(concurrent_viewers=concurrent_viewers, headroom=headroom, months=months, titles=titles,
                        redshift_rpu_hours_per_day=redshift_rpu_hours_per_day,
                        glue_dpu_hours_per_day=glue_dpu_hours_per_day)
    console = Console(stderr=as_json)
    with console.status(f"measuring events per viewer: simulating {sample_users:,} users for {sample_days} days ..."):
        viewers = sample_simulator(users=sample_users, days=sample_days, seed=seed)
    plan = build_plan(settings, viewers, bench, template, prices)
    if as_json:
        click.echo(plan_json(plan))
    else:
        print_plan(plan, Console(width=max(Console().width, 160)))
