"""``streamwatch plan``: what N concurrent viewers need on AWS, every figure with what it rests on."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="plan")
@click.option("--concurrent-viewers", type=click.IntRange(min=1), required=True,
              help="Viewers watching at the daily peak.")
@click.option("--heartbeat-seconds", type=click.FloatRange(min=1, max=120), default=60.0, show_default=True,
              help="Interval of a playing client's heartbeats; the simulator is measured at it (events/s, shards and "
                   "KPUs follow).")
@click.option("--bench", "bench_path", type=click.Path(path_type=Path), default=Path("bench-results/latest.json"),
              show_default=True, help="The JSON `streamwatch bench` wrote (throughput per core, lake sizes).")
@click.option("--headroom", type=click.FloatRange(min=0, max=1, max_open=True), default=0.25, show_default=True,
              help="Share of Kinesis and Flink capacity kept free at the peak.")
@click.option("--months", type=click.IntRange(min=1), default=12, show_default=True,
              help="Price the storage of the zones kept for good in this month of operation.")
@click.option("--titles", type=click.IntRange(min=1),
              help="Titles of the real catalog, each watched in every 5-minute window [default: the titles the "
                   "simulated viewers watched].")
@click.option("--compaction/--no-compaction", default=None,
              help="Size the lake's objects with or without the file sinks' auto-compaction [default: as the job's "
                   "properties set it: lake.compaction.file-size.mb].")
@click.option("--efo-consumers", type=click.IntRange(min=0), default=0, show_default=True,
              help="Further consumers reading the stream with enhanced fan-out (the plan prints the cost of one).")
@click.option("--athena-adhoc-gb-per-day", type=click.FloatRange(min=0), default=100.0, show_default=True,
              help="Ad hoc Athena scans a day beside the nightly checks (an assumption).")
@click.option("--log-gb-per-day", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="CloudWatch Logs ingested a day over every log group (an assumption).")
@click.option("--prices", "prices_path", type=click.Path(path_type=Path),
              help="JSON file replacing list prices (another region, a newer price list); see docs/capacity.md.")
@click.option("--redshift-rpu-hours-per-day", type=click.FloatRange(min=0),
              help="Redshift Serverless compute a day [default: the base RPUs for 2 h, an assumption].")
@click.option("--glue-dpu-hours-per-day", type=click.FloatRange(min=0),
              help="Glue batch a day [default: scaled from the local batch's rows per second].")
@click.option("--sample-users", type=click.IntRange(min=10), default=2000, show_default=True,
              help="Simulated users the events per viewer are measured on.")
@click.option("--sample-days", type=click.IntRange(min=1), default=2, show_default=True,
              help="Simulated whole days (after a warm-up) the events per viewer are measured over.")
@click.option("--seed", type=int, default=1, show_default=True, help="The simulator's seed.")
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON instead of tables.")
def command(concurrent_viewers: int, heartbeat_seconds: float, bench_path: Path, headroom: float, months: int,
            titles: int | None, compaction: bool | None, efo_consumers: int, athena_adhoc_gb_per_day: float,
            log_gb_per_day: float, prices_path: Path | None, redshift_rpu_hours_per_day: float | None,
            glue_dpu_hours_per_day: float | None, sample_users: int, sample_days: int, seed: int,
            as_json: bool) -> None:
    """Plan capacity and monthly cost for CONCURRENT_VIEWERS watching at the peak: events/s, Kinesis
    shards or on-demand, Managed Flink KPUs and parallelism, the quota increases they need, S3 objects,
    mean object size and bytes per zone per day, Redshift storage, and every line a user pays (Athena,
    Glue, Redshift compute, CloudWatch, KMS, Kinesis retention). Each line says what it rests on: the
    simulator's events per watching viewer-minute (measured here, in-process, at --heartbeat-seconds),
    the full job's rate on RocksDB and the lake sizes `streamwatch bench` saved, a cited service limit
    or the stack template's defaults and counts, an assumption said as such, and the date of every
    price.

    \b
    Examples:
        streamwatch plan --concurrent-viewers 50000000
        streamwatch plan --concurrent-viewers 50000000 --heartbeat-seconds 10
        streamwatch plan --concurrent-viewers 200000 --bench /tmp/latest.json --json
    """
    from rich.console import Console

    from streamwatch.analyses.capacity.bench_figures import BenchResultsError, load_bench
    from streamwatch.analyses.capacity.model import Settings, build_plan
    from streamwatch.analyses.capacity.render import plan_json, print_plan
    from streamwatch.analyses.capacity.sources import SourcesError, load_prices, template_defaults
    from streamwatch.analyses.capacity.template_counts import count_template
    from streamwatch.analyses.capacity.viewers import sample_simulator

    try:
        bench = load_bench(bench_path)
        prices = load_prices(prices_path)
        template = template_defaults()
        counts = count_template()
    except (BenchResultsError, SourcesError) as error:
        raise click.ClickException(str(error)) from None
    settings = Settings(concurrent_viewers=concurrent_viewers, headroom=headroom, months=months, titles=titles,
                        redshift_rpu_hours_per_day=redshift_rpu_hours_per_day,
                        glue_dpu_hours_per_day=glue_dpu_hours_per_day,
                        compaction_file_bytes=_compaction_file_bytes(compaction), efo_consumers=efo_consumers,
                        athena_adhoc_gb_per_day=athena_adhoc_gb_per_day, log_gb_per_day=log_gb_per_day)
    console = Console(stderr=as_json)
    with console.status(f"measuring events per viewer: simulating {sample_users:,} users for {sample_days} days, "
                        f"a heartbeat every {heartbeat_seconds:g} s ..."):
        viewers = sample_simulator(users=sample_users, days=sample_days, seed=seed, heartbeat_s=heartbeat_seconds)
    plan = build_plan(settings, viewers, bench, template, prices, counts)
    if as_json:
        click.echo(plan_json(plan))
    else:
        print_plan(plan, Console(width=max(Console().width, 160)))


def _compaction_file_bytes(compaction: bool | None) -> int | None:
    """The compacted file size the plan sizes with: the job's own (lake.compaction.file-size.mb of its
    committed properties) when it compacts or when asked to plan as if; None without compaction."""
    from flink_app.config import JobConfig, load_config

    size_mb = load_config().compaction_file_size_mb
    on = size_mb > 0 if compaction is None else compaction
    if not on:
        return None
    return (size_mb or JobConfig.compaction_file_size_mb) * 2**20
