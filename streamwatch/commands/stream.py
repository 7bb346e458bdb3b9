"""``streamwatch stream``: run the Flink job locally, on Kinesis or as a bounded file replay."""

from __future__ import annotations

from pathlib import Path

import click

from flink_app.config import ConfigError


@click.command(name="stream")
@click.option("--source", "source_type", type=click.Choice(["file", "kinesis"]), required=True,
              help="file: bounded replay of JSONL or of a lake's raw/ zone; kinesis: read a stream until Ctrl-C.")
@click.option("--input", "input_path", type=click.Path(path_type=Path),
              help="For --source file: a JSONL file or directory of them, or a lake's raw/ zone (Parquet, "
                   "e.g. lake/raw/dt=2026-11-24), replayed in arrival order.")
@click.option("--lake", type=click.Path(path_type=Path), default=Path("lake"), show_default=True,
              help="Root of the output lake (raw, processed, dlq, late); the job's checkpoints are kept in <lake>/_flink.")
@click.option("--stream-arn", help="Kinesis stream ARN for --source kinesis.")
@click.option("--endpoint", help="Kinesis endpoint override, e.g. a local moto server.")
@click.option("--region", default="us-east-1", show_default=True)
@click.option("--properties", type=click.Path(exists=True, path_type=Path),
              help="Managed Flink property groups JSON (default: the committed local copy).")
@click.option("--out-of-orderness-ms", type=int, help="Allowed out-of-orderness before an event is late.")
@click.option("--parallelism", type=int, help="Job parallelism (default 1 for a file replay).")
@click.option("--fresh", is_flag=True,
              help="Do not resume from the lake's last checkpoint: start from the configured position.")
@click.option("--drain", is_flag=True,
              help="Kinesis: Ctrl-C flushes every open session and window to the lake (a final stop).")
@click.option("--allow-non-restored-state", is_flag=True,
              help="Resume even if part of the checkpoint no longer maps onto the job (after a SQL change).")
@click.option("--set", "flink_settings", multiple=True, metavar="KEY=VALUE",
              help="Extra Flink configuration for this run (repeatable), e.g. --set state.backend.type=rocksdb.")
@click.option("--variant", type=click.Choice(["full", "parse-scan", "json-scan"]), default="full", hidden=True,
              help="Benchmark jobs: the source alone, or Flink's json format, into a blackhole.")
@click.option("--report-json", type=click.Path(path_type=Path), hidden=True,
              help="Write the replay's figures as JSON here (used by `streamwatch bench`).")
@click.option("--no-summary", is_flag=True, hidden=True,
              help="Do not count the lake after a replay (`streamwatch bench` times the job alone).")
def command(source_type, input_path, lake, stream_arn, endpoint, region, properties, out_of_orderness_ms,
            parallelism, fresh, drain, allow_non_restored_state, flink_settings, variant, report_json,
            no_summary) -> None:
    """Run the sessions and watch-time job on the local Flink mini-cluster.

    A file replay returns when every record is processed and every window and session is flushed
    and committed. Several JSONL files (a directory) are replayed in path order, as if received in
    that order; a plain JSONL record has no arrival, so its event_ts is its event time (sent_at
    corrects no clock). A lake's raw/ zone (its Parquet files) is replayed in the order Kinesis
    delivered its records (arrival, shard, sequence number), each with its original arrival, so its
    event time (event_ts + arrival - sent_at) is the one it had live. On Kinesis the job runs until
    Ctrl-C, which stops it with a savepoint.

    Either way the job checkpoints into <lake>/_flink, and the same command run again resumes from
    the last checkpoint or savepoint — after a crash or a Ctrl-C — so that the lake ends exactly as
    if the job had never stopped. --fresh starts over instead. One run at a time writes a lake.

    \b
    Examples:
        streamwatch stream --source file --input events.jsonl --lake lake
        streamwatch stream --source file --input lake/raw --lake backfill-lake
        streamwatch stream --source kinesis --lake lake \\
            --stream-arn arn:aws:kinesis:us-east-1:000000000000:stream/streamwatch-events \\
            --endpoint http://127.0.0.1:4566
    """
    from rich.console import Console

    from flink_app.config import load_config
    from streamwatch.local.flink_runner import StateIncompatibleError
    from streamwatch.local.lake_state import LakeBusyError
    from streamwatch.local.replay_input import ReplayInputError
    from streamwatch.local.stream_run import RunOptions, StreamRunError, follow_kinesis, replay, write_report
    from streamwatch.analyses.summary import render_check

    console = Console(stderr=True)
    overrides: dict = {"lake_root": str(lake)}
    if out_of_orderness_ms is not None:
        overrides["watermark_out_of_orderness_ms"] = out_of_orderness_ms
    if parallelism is not None:
        overrides["parallelism"] = parallelism
    extra = {}
    for setting in flink_settings:
        key, equals, value = setting.partition("=")
        if not equals or not key.strip():
            raise click.BadParameter(f"expected KEY=VALUE, got {setting!r}", param_hint="--set")
        extra[key.strip()] = value.strip()
    options = RunOptions(fresh=fresh, drain=drain, allow_non_restored_state=allow_non_restored_state, variant=variant,
                         flink_settings=extra, summarize=not no_summary)
    try:
        base = load_config(properties)
        if source_type == "file":
            if input_path is None:
                raise click.UsageError("--source file needs --input PATH (a JSONL file, a directory, or a raw/ zone)")
            if drain:
                raise click.UsageError("--drain is for --source kinesis: a replay always ends with every window flushed")
            overrides.setdefault("parallelism", 1)
            # the input is set by the replay itself; validate the rest now
            config = base.with_overrides(source_type="file", source_input_path=str(input_path), **overrides)
            result = replay(config, lake, input_path, options, console)
            if report_json is not None:
                write_report(report_json, result)
            console.print(f"replay finished in {result.wall_s:.1f} s (job run time {result.net_runtime_ms / 1000:.1f} s);"
                          f" lake: {lake}")
            console.print(f"  time went to: {result.timings_text()}")
            if result.summary is not None:
                render_check(result.summary, console)
            return
        if not stream_arn:
            raise click.UsageError("--source kinesis needs --stream-arn ARN")
        config = base.with_overrides(source_type="kinesis", source_stream_arn=stream_arn,
                                     source_aws_endpoint=endpoint, source_aws_region=region, **overrides)
        stopped = follow_kinesis(config, lake, options, console)
        if stopped.drained:
            console.print(f"every session and window is in {lake}; start again with --fresh")
        else:
            console.print("open sessions and windows are kept in the savepoint: run the same command to resume")
    except (ConfigError, FileNotFoundError, LakeBusyError, ReplayInputError, StreamRunError,
            StateIncompatibleError) as error:
        raise click.ClickException(str(error)) from None
