"""``streamwatch stream``: run the Flink job locally, on Kinesis or as a bounded file replay."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import click

from flink_app.config import ConfigError


@click.command(name="stream")
@click.option("--source", "source_type", type=click.Choice(["file", "kinesis"]), required=True,
              help="file: bounded replay of JSONL; kinesis: read a stream until Ctrl-C.")
@click.option("--input", "input_path", type=click.Path(path_type=Path),
              help="JSONL file or directory (e.g. a lake's raw/ zone) for --source file.")
@click.option("--lake", type=click.Path(path_type=Path), default=Path("lake"), show_default=True,
              help="Root of the output lake (raw, processed, dlq, late).")
@click.option("--stream-arn", help="Kinesis stream ARN for --source kinesis.")
@click.option("--endpoint", help="Kinesis endpoint override, e.g. a local moto server.")
@click.option("--region", default="us-east-1", show_default=True)
@click.option("--properties", type=click.Path(exists=True, path_type=Path),
              help="Managed Flink property groups JSON (default: the committed local copy).")
@click.option("--out-of-orderness-ms", type=int, help="Allowed out-of-orderness before an event is late.")
@click.option("--parallelism", type=int, help="Job parallelism (default 1 for a file replay).")
@click.option("--scan-only", is_flag=True, hidden=True, help="Benchmark baseline: parse into a blackhole sink.")
@click.option("--report-json", type=click.Path(path_type=Path), hidden=True,
              help="Write the job's net run time as JSON here (used by `streamwatch bench`).")
def command(source_type, input_path, lake, stream_arn, endpoint, region, properties,
            out_of_orderness_ms, parallelism, scan_only, report_json) -> None:
    """Run the sessions and watch-time job on the local Flink mini-cluster.

    A file replay returns when every record is processed and every window and session is
    flushed. Several files (a directory) are replayed in path order, as if received in that order.

    \b
    Examples:
        streamwatch stream --source file --input events.jsonl --lake lake
        streamwatch stream --source file --input lake/raw --lake backfill-lake
        streamwatch stream --source kinesis --lake lake \\
            --stream-arn arn:aws:kinesis:us-east-1:000000000000:stream/streamwatch-events \\
            --endpoint http://127.0.0.1:4566
    """
    from flink_app.config import load_config
    from streamwatch.flink_runner import ordered_replay_input, start_job

    overrides: dict = {"lake_root": str(lake)}
    if out_of_orderness_ms is not None:
        overrides["watermark_out_of_orderness_ms"] = out_of_orderness_ms
    if parallelism is not None:
        overrides["parallelism"] = parallelism
    try:
        base = load_config(properties)
        if source_type == "file":
            if input_path is None:
                raise click.UsageError("--source file needs --input PATH (a JSONL file or a directory)")
            overrides.setdefault("parallelism", 1)
            with ordered_replay_input(input_path) as replay_file:
                config = base.with_overrides(source_type="file", source_input_path=str(replay_file), **overrides)
                click.echo(f"replaying {input_path} into {lake} ...", err=True)
                started = time.monotonic()
                job = start_job(config, scan_only=scan_only)
                job.wait()
                net_runtime_ms = job.net_runtime_ms()
            if report_json is not None:
                report_json.write_text(json.dumps({"net_runtime_ms": net_runtime_ms}))
            click.echo(f"replay finished in {time.monotonic() - started:.1f} s "
                       f"(job run time {net_runtime_ms / 1000:.1f} s); lake: {lake}", err=True)
            return
        if not stream_arn:
            raise click.UsageError("--source kinesis needs --stream-arn ARN")
        config = base.with_overrides(source_type="kinesis", source_stream_arn=stream_arn,
                                     source_aws_endpoint=endpoint, source_aws_region=region, **overrides)
        job = start_job(config)
        click.echo(f"job {job.job_id} running; Flink UI at {job.rest_url}; Ctrl-C stops it with a drain", err=True)
        try:
            while job.status() not in ("FINISHED", "FAILED", "CANCELED"):
                time.sleep(2)
        except KeyboardInterrupt:
            click.echo("draining: flushing open sessions and windows ...", err=True)
            with tempfile.TemporaryDirectory(prefix="streamwatch-savepoint-") as savepoints:
                job.stop_with_drain(Path(savepoints))
        click.echo(f"job ended; lake: {lake}", err=True)
    except (ConfigError, FileNotFoundError) as error:
        raise click.ClickException(str(error)) from None
