"""The local demo: the whole streaming path on this machine, then the accounting check.

local Kinesis (moto) -> producer -> Flink job on the mini-cluster -> lake; once the job has read
every record the producer delivered, it is stopped with a drain so every open session and window
is flushed and committed. What the lake holds is then counted zone by zone and checked.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from producer.clock_skew import ClockSkew, SkewShare
from producer.faults import FaultLedger
from streamwatch.analyses.lake import Lake, parquet_rows
from streamwatch.local.lake_state import STATE_DIR
from streamwatch.analyses.summary import LakeSummary, summarize

# Names a demo lake may contain; anything else means the directory is not ours to clear.
LAKE_ENTRIES = {"raw", "processed", "curated", "dlq", "late", "reference", "warehouse.duckdb",
                "warehouse.duckdb.wal", "report.html", "_flink"}


class DemoError(RuntimeError):
    """The demo could not complete; the message says what went wrong and where to look."""


@dataclass(frozen=True)
class DemoResult:
    summary: LakeSummary
    ledger: object  # producer.faults.FaultLedger: what the producer injected
    report: object  # producer.kinesis_writer.WriteReport: what reached Kinesis
    play_starts: dict  # minute -> total play starts, as the job published them to (local) CloudWatch
    lake: Path


# Devices whose clocks are off, as real fleets have them: the job must place their events by
# event_ts + (arrival - sent_at) instead of trusting event_ts (contract §1).
DEMO_CLOCK_SKEW = ClockSkew((SkewShare(0.03, 10), SkewShare(0.03, -4)))


@dataclass(frozen=True)
class DemoSettings:
    events: int = 100_000
    seed: int = 7
    lake: Path = Path("lake")
    duplicates: float = 0.01
    out_of_order_ms: int = 2_000
    late: float = 0.002
    malformed: float = 0.005
    clock_skew: ClockSkew = DEMO_CLOCK_SKEW  # 3 % of the devices 10 minutes fast, 3 % 4 minutes slow
    checkpoint_interval_ms: int = 5_000
    consume_timeout_s: float = 600.0


def prepare_lake(lake: Path) -> None:
    """Empty a previous demo lake (but the run state in _flink, whose lock this run holds);
    refuse to touch a directory that holds anything else."""
    if not lake.exists():
        lake.mkdir(parents=True)
        return
    foreign = sorted(p.name for p in lake.iterdir() if p.name not in LAKE_ENTRIES)
    if foreign:
        raise DemoError(f"{lake} holds {', '.join(foreign)}, which the demo did not write; choose another --lake")
    for entry in lake.iterdir():
        if entry.name == STATE_DIR:
            continue
        shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


def run_stream_demo(settings: DemoSettings, console) -> DemoResult:
    """Produce, stream and drain; the result's ``summary.adds_up`` tells the verdict."""
    from streamwatch.local.lake_state import LakeState

    lake = settings.lake
    lake.mkdir(parents=True, exist_ok=True)
    state = LakeState(lake)
    state.lock()  # before emptying: never clear a lake another run is writing
    try:
        prepare_lake(lake)
        state.forget_restore_points()
        state.clear_drained()
        return _stream_into(lake, state, settings, console)
    finally:
        state.unlock()


def _stream_into(lake: Path, state, settings: DemoSettings, console) -> DemoResult:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from flink_app.config import load_config
    from producer.catalog import build_catalog, write_dim_title
    from producer.faults import FaultConfig
    from producer.kinesis_writer import KinesisWriter
    from producer.pipeline import default_start, produce_events
    from streamwatch.local.flink_runner import start_job
    from streamwatch.local.local_kinesis import LocalKinesis

    catalog = build_catalog(settings.seed)
    write_dim_title(catalog, lake / "reference" / "dim_title.jsonl")
    faults = FaultConfig(duplicates=settings.duplicates, out_of_order_ms=settings.out_of_order_ms,
                         late=settings.late, malformed=settings.malformed)

    with LocalKinesis() as kinesis:
        console.print(f"local Kinesis at {kinesis.endpoint}, stream {kinesis.stream_arn}")
        config = load_config().with_overrides(
            source_type="kinesis", source_stream_arn=kinesis.stream_arn, source_aws_endpoint=kinesis.endpoint,
            source_aws_region=kinesis.region, lake_root=str(lake), parallelism=1,
            checkpoint_interval_ms=settings.checkpoint_interval_ms,
            # the moto server is CloudWatch too: the job publishes its play-starts metrics there
            metrics_enabled=True, metrics_endpoint=kinesis.endpoint, metrics_region=kinesis.region,
        )
        console.print("starting the Flink job on the local mini-cluster ...")
        job = start_job(config, state=state)
        console.print(f"job {job.job_id} running (Flink UI {job.rest_url})")
        try:
            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                          TimeElapsedColumn(), console=console) as progress:
                produced = progress.add_task("producing events", total=settings.events)
                report, ledger = produce_events(
                    settings.events, seed=settings.seed, start=default_start(catalog, settings.events),
                    faults=faults, sink=KinesisWriter(kinesis.client(), kinesis.stream_name, key_order=False), catalog=catalog,
                    progress=lambda n: progress.advance(produced, n), clock_skew=settings.clock_skew,
                )
                if report.failed:
                    raise DemoError(f"{report.failed} records were not delivered to Kinesis: {dict(report.errors)}")
                # Every record ends up, exactly once, in raw/ (valid) or dlq/ (rejected), committed at
                # each checkpoint: when both hold every delivered record, the job has consumed the
                # stream. (The source's own counter restarts with the job after a failover.) Rows
                # are counted from each Parquet file's footer.
                consumed = progress.add_task("records committed to raw/ + dlq/", total=report.sent)
                deadline = time.monotonic() + settings.consume_timeout_s
                store = Lake(lake)
                counted: dict[Path, int] = {}  # a committed file never changes: count it once
                while True:
                    status = job.status()
                    if status not in ("RUNNING", "CREATED", "INITIALIZING", "RESTARTING"):
                        raise DemoError(f"the Flink job is {status}; see the log in .streamwatch/logs")
                    for path in store.data_files("raw") + store.data_files("dlq"):
                        if path not in counted:
                            counted[path] = parquet_rows(path)
                    committed = sum(counted.values())
                    progress.update(consumed, completed=committed)
                    if committed >= report.sent:
                        break
                    if time.monotonic() > deadline:
                        raise DemoError(f"{committed} of {report.sent} records reached the lake in "
                                        f"{settings.consume_timeout_s:.0f} s; see the log in .streamwatch/logs")
                    time.sleep(2)
            console.print(f"sent {report.sent:,} records at {report.records_per_second:,.0f}/s "
                          f"({ledger.duplicates} redeliveries, {ledger.late} late, {ledger.malformed} malformed injected)")
            if settings.clock_skew:
                console.print(skewed_records_line(ledger, settings.clock_skew))
            console.print("stopping the job with a drain: flushing open sessions and windows ...")
            job.stop_with_savepoint(state.savepoints, drain=True)
            state.mark_drained()
            state.mark_end_of_input("drained")
        except BaseException:
            job.cancel()
            raise
        play_starts = _published_play_starts(kinesis, config, lake)
    return DemoResult(summary=summarize(Lake(lake), records_in=report.sent), ledger=ledger, report=report,
                      play_starts=play_starts, lake=lake)


def skewed_records_line(ledger: FaultLedger, clock_skew: ClockSkew) -> str:
    """How many of the records the demo sent came from devices whose clock is off, fast and slow:
    the events the job has to place by ``sent_at`` rather than by ``event_ts`` alone."""
    return (f"{ledger.skewed:,} records came from devices with a skewed clock (of all devices: "
            f"{clock_skew.describe()}): {ledger.skewed_fast:,} from fast clocks, {ledger.skewed_slow:,} from slow ones")


def injected_differences(summary: LakeSummary, ledger: FaultLedger) -> list[str]:
    """Where the lake does not hold exactly what the producer injected: every redelivery among the
    duplicates, every late event (and nothing else: the skewed devices' events are on time) in
    late/, every malformed record in the DLQ. Empty when all is as injected."""
    expected = (("duplicates", summary.duplicates, ledger.duplicates),
                ("late rows", summary.late_rows, ledger.late),
                ("DLQ rows", summary.dlq_rows, ledger.malformed))
    return [f"{what}: {got:,} in the lake, {sent:,} injected" for what, got, sent in expected if got != sent]


def _published_play_starts(moto, config, lake: Path) -> dict:
    """The PlayStarts totals the job sent to the local CloudWatch, over the lake's minutes."""
    from datetime import timedelta

    import boto3

    from streamwatch.analyses.play_start_metrics import play_starts_per_minute

    table = Lake(lake).table("processed/play_starts_1m")
    if table is None or table.num_rows == 0:
        return {}
    starts = table.column("window_start").to_pylist()
    cloudwatch = boto3.client("cloudwatch", endpoint_url=moto.endpoint, region_name=moto.region,
                              aws_access_key_id="testing", aws_secret_access_key="testing")
    return play_starts_per_minute(cloudwatch, config.metrics.application, min(starts),
                                  max(starts) + timedelta(minutes=1))


def render_play_starts(per_minute: dict, console, last: int = 10) -> None:
    """The play starts per minute the job published to CloudWatch: how many minutes, the peak,
    and the last few minutes."""
    if not per_minute:
        console.print("play starts per minute: none published")
        return
    peak_minute, peak = max(per_minute.items(), key=lambda item: item[1])
    console.print(f"play starts per minute (CloudWatch metric PlayStarts): {len(per_minute):,} minutes, "
                  f"{sum(per_minute.values()):,.0f} in all, peak {peak:,.0f} at {peak_minute:%Y-%m-%d %H:%M} UTC")
    recent = list(per_minute.items())[-last:]
    console.print("  last minutes: " + ", ".join(f"{minute:%H:%M} {value:,.0f}" for minute, value in recent))
