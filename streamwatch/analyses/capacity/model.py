"""The capacity plan's arithmetic: pure functions from the measurements, the cited limits, the
template's defaults and the prices to the plan's lines. Nothing here reads a file or runs anything.

Each ``Line`` carries its figure, value and unit, the basis it rests on (the measured numbers and
where they were measured, a cited limit, or an assumption said as such), and the dates of the prices
it uses. The last section lists every price and limit used, with its source.

Example::

    plan = build_plan(Settings(concurrent_viewers=50_000_000), viewers, bench, template_defaults(),
                      load_prices(None))
    plan.value("kinesis.provisioned_shards"), plan.value("cost.total")
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from producer.simulator import SESSIONS_PER_USER_PER_DAY
from streamwatch.local.bench import ZONES
from streamwatch.analyses.capacity.bench_figures import BenchFigures
from batch.compaction import COMPACTED_ZONES, DEFAULT_SMALL_BYTES, DEFAULT_TARGET_BYTES
from streamwatch.analyses.capacity.objects import (compacted_objects, daily_compacted_objects, requests_per_object,
                                                   writers_with_rows)
from streamwatch.analyses.capacity.operations import OperationLines
from streamwatch.analyses.capacity.quotas import QuotaLines
from streamwatch.analyses.capacity.sources import LIMITS, NONCURRENT_VERSION_DAYS, Cited, Price
from streamwatch.analyses.capacity.template_counts import TemplateCounts
from streamwatch.analyses.capacity.viewers import ViewerSample

HOURS_PER_MONTH = 730  # AWS's pricing convention
DAYS_PER_MONTH = HOURS_PER_MONTH / 24
GIB = 1024**3
WINDOW_S = 300  # the job's 5-minute windows (title_watch_5m, stream_progress)
WINDOWS_PER_DAY = 86_400 // WINDOW_S
MINUTES_PER_DAY = 1_440  # the job's 1-minute play-start windows (play_starts_1m)
# State sizes of docs/architecture.md's state table (RocksDB, serialized, with their keys)
VIEWER_STATE_BYTES = 400  # per watching viewer in the per-viewer step, timers included
TITLE_WINDOW_BYTES_PER_VIEWER = 100  # per viewer in the open 5-minute title windows (distinct viewers)
WAITING_EVENT_BYTES = 90  # per event a catch-up holds waiting for the watermark


@dataclass(frozen=True)
class Settings:
    concurrent_viewers: int
    headroom: float = 0.25  # share of each capacity kept free at the peak
    months: int = 12  # storage of the zones kept for good is priced in this month of operation
    titles: int | None = None  # a real catalog's size; None: the titles the simulator's viewers watched
    redshift_rpu_hours_per_day: float | None = None  # None: the workgroup's base RPUs x REDSHIFT_ACTIVE_HOURS
    glue_dpu_hours_per_day: float | None = None  # None: scaled from the local batch rate (glue_rate.py)
    compaction_file_bytes: int | None = None  # the sinks' compaction.file-size; None: no auto-compaction
    efo_consumers: int = 0  # consumers reading the stream with enhanced fan-out besides the job
    athena_adhoc_gb_per_day: float = 100.0  # analysts' queries: an assumption, not measured
    log_gb_per_day: float = 1.0  # CloudWatch Logs ingested a day, all log groups: an assumption

    def __post_init__(self) -> None:
        if self.concurrent_viewers < 1:
            raise ValueError("concurrent viewers must be at least 1")
        if not 0 <= self.headroom < 1:
            raise ValueError("headroom is the share of capacity kept free: at least 0 and below 1 (0.25 = 25 %)")
        if self.months < 1:
            raise ValueError("months must be at least 1")
        if self.titles is not None and self.titles < 1:
            raise ValueError("titles must be at least 1")
        if any(value is not None and value < 0 for value in (self.redshift_rpu_hours_per_day,
                                                              self.glue_dpu_hours_per_day)):
            raise ValueError("RPU-hours and DPU-hours a day cannot be negative")
        if self.efo_consumers < 0 or self.athena_adhoc_gb_per_day < 0 or self.log_gb_per_day < 0:
            raise ValueError("consumers, ad hoc scans and log volume cannot be negative")


@dataclass(frozen=True)
class Line:
    key: str  # section.figure, e.g. kinesis.provisioned_shards
    figure: str
    value: float | int | str
    unit: str
    basis: str
    price_dates: tuple[str, ...] = ()

    @property
    def section(self) -> str:
        return self.key.split(".", 1)[0]


@dataclass(frozen=True)
class Plan:
    settings: Settings
    lines: tuple[Line, ...]

    def line(self, key: str) -> Line:
        for line in self.lines:
            if line.key == key:
                return line
        raise KeyError(f"no line {key!r} in the plan")

    def value(self, key: str) -> float | int | str:
        return self.line(key).value

    def to_dict(self) -> dict:
        return {"settings": asdict(self.settings),
                "lines": [{**asdict(line), "section": line.section} for line in self.lines]}


def build_plan(settings: Settings, viewers: ViewerSample, bench: BenchFigures, template: dict[str, float],
               prices: dict[str, Price], counts: TemplateCounts, limits: dict[str, Cited] = LIMITS) -> Plan:
    builder = _Builder(settings, viewers, bench, template, prices, counts, limits)
    for section in (builder.events, builder.kinesis, builder.flink, builder.quotas, builder.s3, builder.redshift,
                    builder.operations, builder.cost, builder.sources):
        section()
    return Plan(settings=settings, lines=tuple(builder.lines))


# --- a formula of the row count, public so that tests can check it on its own ----------------------


def categories_with_rows(rows: float, shares: list[float]) -> float:
    """Expected number of categories (titles, country-device pairs) that get at least one of
    ``rows`` rows when each takes its ``share`` of them at random (Poisson)."""
    return sum(1 - math.exp(-rows * share) for share in shares)


class _Builder(QuotaLines, OperationLines):
    def __init__(self, settings: Settings, viewers: ViewerSample, bench: BenchFigures, template: dict[str, float],
                 prices: dict[str, Price], counts: TemplateCounts, limits: dict[str, Cited]) -> None:
        self.s, self.v, self.b, self.t, self.p, self.limits = settings, viewers, bench, template, prices, limits
        self.counts = counts
        self.lines: list[Line] = []
        self.used_prices: list[str] = []
        self.used_limits: list[str] = []

    # --- helpers -------------------------------------------------------------------------------

    def add(self, key: str, figure: str, value: float | int | str, unit: str, basis: str,
            prices: tuple[str, ...] = ()) -> None:
        self.used_prices += [name for name in prices if name not in self.used_prices]
        dates = tuple(sorted({self.p[name].as_of for name in prices}))
        self.lines.append(Line(key, figure, value, unit, basis, dates))

    def limit(self, name: str) -> float:
        if name not in self.used_limits:
            self.used_limits.append(name)
        return self.limits[name].value

    def price(self, name: str) -> float:
        return self.p[name].value

    def quote(self, *names: str) -> str:
        return ", ".join(f"${self.p[name].value:g}{self.p[name].unit.removeprefix('$')}" for name in names)

    @property
    def sim(self) -> str:
        v = self.v
        return f"simulator, {v.users:,} users x {v.days} days, seed {v.seed}" if v.users else f"{v.days}-day sample"

    @property
    def bench_run(self) -> str:
        return f"make bench of {self.b.measured_at}"

    # --- events --------------------------------------------------------------------------------

    def events(self) -> None:
        v, b, n = self.v, self.b, self.s.concurrent_viewers
        peak = v.peak_hour
        self.events_peak = n * v.events_per_watched_second_at_peak
        self.add("events.peak_per_s", "events/s at peak", self.events_peak, "events/s",
                 f"{n:,} watching x {v.events_per_watched_second_at_peak * 60:.4f} events per watched viewer-minute: "
                 f"{v.events_by_hour[peak]:,} events over {v.watched_ms_by_hour[peak] / 60_000:,.0f} watched minutes "
                 f"in the simulator's busiest hour (UTC {peak:02d}:00; {self.sim}). Watched time is contract §2's "
                 f"credit, so a viewer counts while playing (a heartbeat every {v.heartbeat_s:g} s, the simulator's "
                 f"interval for this plan: --heartbeat-seconds) and the rate includes the "
                 f"browse, search, pause and seek events around the playing")
        self.events_avg = self.events_peak * v.average_to_peak
        self.add("events.average_per_s", "events/s, daily average", self.events_avg, "events/s",
                 f"peak x {v.average_to_peak:.4f}, the simulator's mean hourly events over its busiest hour's "
                 f"({v.events / 24:,.0f} / {v.events_by_hour[peak]:,}; the daily rhythm of producer/simulator.py, "
                 f"{self.sim})")
        for kind, share in v.type_shares_at_peak.items():
            self.add(f"events.peak_{kind}_per_s", f"  {kind}", self.events_peak * share, "events/s",
                     f"{share:.2%} of the busiest hour's events ({self.sim})")
        self.records_per_event = b.records_per_event
        self.records_peak = self.events_peak * self.records_per_event
        self.records_avg = self.events_avg * self.records_per_event
        self.add("events.records_peak_per_s", "Kinesis records/s at peak", self.records_peak, "records/s",
                 f"events x {self.records_per_event:.4f}: the full job read {b.full.records:,} records for "
                 f"{b.events:,} simulated events ({self.bench_run}, whose input adds 1 % redeliveries and 0.2 % "
                 f"malformed records)")
        self.events_day = self.events_avg * 86_400
        self.add("events.per_day", "events a day", self.events_day, "events", "daily average x 86,400 s")
        self.record_bytes = v.record_bytes_per_event + v.key_bytes_per_event
        self.add("events.record_bytes", "bytes per Kinesis record", self.record_bytes, "bytes",
                 f"{v.record_bytes_per_event:.1f} bytes of compact JSON (as the producer sends an event) + "
                 f"{v.key_bytes_per_event:.1f} bytes of partition key (user_id): mean of {v.events:,} events "
                 f"({self.sim})")

    # --- Kinesis -------------------------------------------------------------------------------

    def kinesis(self) -> None:
        free = 1 - self.s.headroom
        bytes_peak = self.records_peak * self.record_bytes
        self.add("kinesis.write_bytes_peak_per_s", "writes at peak", bytes_peak, "bytes/s",
                 "records/s at peak x bytes per record")
        shard_records, shard_bytes = self.limit("kinesis_shard_records_per_s"), self.limit("kinesis_shard_bytes_per_s")
        by_records = math.ceil(self.records_peak / (shard_records * free))
        by_bytes = math.ceil(bytes_peak / (shard_bytes * free))
        self.shards = max(by_records, by_bytes, 1)
        quota = self.limit("kinesis_shard_quota")
        self.add("kinesis.provisioned_shards", "provisioned shards (ShardCount)", self.shards, "shards",
                 f"max(records/s / ({shard_records:,.0f} records/s per shard x {free:.2f}) = {by_records:,}; bytes/s "
                 f"/ ({shard_bytes / 2**20:g} MiB/s per shard x {free:.2f}) = {by_bytes:,}): the shard's write limits "
                 f"with {self.s.headroom:.0%} kept free at the peak; "
                 + ("within" if self.shards <= quota else "ABOVE") + f" the default quota of {quota:,.0f} shards "
                 f"(us-east-1, us-west-2, eu-west-1)")
        records_month = self.records_avg * HOURS_PER_MONTH * 3600
        units = max(1, math.ceil(self.record_bytes / self.limit("kinesis_put_payload_unit")))
        self.provisioned_month = (self.shards * HOURS_PER_MONTH * self.price("kinesis_shard_hour")
                                  + records_month * units / 1e6 * self.price("kinesis_put_million_units"))
        self.add("kinesis.provisioned_month", "provisioned, a month", self.provisioned_month, "$",
                 f"{self.shards:,} shards x {HOURS_PER_MONTH} h + {records_month / 1e9:,.1f} billion records (at the "
                 f"daily average) x {units} PUT payload unit of 25 KB; "
                 f"{self.quote('kinesis_shard_hour', 'kinesis_put_million_units')}",
                 ("kinesis_shard_hour", "kinesis_put_million_units"))
        billed_kib = math.ceil(self.record_bytes / self.limit("kinesis_on_demand_billing_kib"))
        gib_month = records_month * billed_kib * 1024 / GIB
        self.on_demand_month = (HOURS_PER_MONTH * self.price("kinesis_on_demand_stream_hour")
                                + gib_month * (self.price("kinesis_on_demand_gb_in")
                                               + self.price("kinesis_on_demand_gb_out")))
        write_max = self.limit("kinesis_on_demand_write_bytes_per_s")
        self.add("kinesis.on_demand_month", "on-demand, a month", self.on_demand_month, "$",
                 f"{gib_month:,.0f} GiB written, and read once by the Flink job: each record billed as {billed_kib} "
                 f"KiB (rounded up); peak writes of {bytes_peak / 1e6:,.0f} MB/s are "
                 + ("within" if bytes_peak <= write_max else "ABOVE") + f" the on-demand maximum of "
                 f"{write_max / 1e9:g} GB/s (us-east-1, us-west-2, eu-west-1; 200 MB/s elsewhere); extended "
                 f"retention on demand is billed per GB-month and is not priced here; "
                 f"{self.quote('kinesis_on_demand_stream_hour', 'kinesis_on_demand_gb_in', 'kinesis_on_demand_gb_out')}",
                 ("kinesis_on_demand_stream_hour", "kinesis_on_demand_gb_in", "kinesis_on_demand_gb_out"))
        self.kinesis_mode = "PROVISIONED" if self.provisioned_month <= self.on_demand_month else "ON_DEMAND"
        self.kinesis_prices = (("kinesis_shard_hour", "kinesis_put_million_units") if self.kinesis_mode == "PROVISIONED"
                               else ("kinesis_on_demand_stream_hour", "kinesis_on_demand_gb_in",
                                     "kinesis_on_demand_gb_out"))
        self.kinesis_month = min(self.provisioned_month, self.on_demand_month)
        self.add("kinesis.mode", "recommended StreamMode", self.kinesis_mode, "",
                 "the cheaper a month; on-demand follows traffic it has not seen (up to twice its previous peak "
                 "at once), provisioned must be resized ahead of a bigger peak (alarm stream-write-throttling)")
        retention = self.t["StreamRetentionHours"]
        extended_h = min(max(0.0, retention - 24), 7 * 24 - 24)
        self.retention_month = (self.shards * HOURS_PER_MONTH * self.price("kinesis_extended_retention_shard_hour")
                                if extended_h > 0 and self.kinesis_mode == "PROVISIONED" else 0.0)
        self.add("kinesis.extended_retention_month", "extended retention, a month", self.retention_month, "$",
                 (f"StreamRetentionHours {retention:g} (template default: a weekend's outage without losing a "
                  f"record) is above the 24 h included, so every shard is billed for extended retention (beyond "
                  f"24 h, up to 7 days): {self.shards:,} shards x {HOURS_PER_MONTH} h; "
                  f"{self.quote('kinesis_extended_retention_shard_hour')}; 24 h would save it"
                  if extended_h > 0 and self.kinesis_mode == "PROVISIONED" else
                  f"StreamRetentionHours {retention:g}: "
                  + ("no extended retention is billed" if extended_h <= 0 else
                     "on demand, extended retention is billed per GB-month, a price not in this plan's list: "
                     "not priced")),
                 ("kinesis_extended_retention_shard_hour",) if self.retention_month else ())
        gb_read_month = records_month * self.record_bytes / 1e9
        self.efo_per_consumer = (self.shards * HOURS_PER_MONTH * self.price("kinesis_efo_consumer_shard_hour")
                                 + gb_read_month * self.price("kinesis_efo_gb"))
        self.add("kinesis.efo_per_consumer_month", "each further consumer with enhanced fan-out, a month",
                 self.efo_per_consumer, "$",
                 f"a second reader (another application) beside the Flink job gets its own 2 MB/s per shard with "
                 f"enhanced fan-out: {self.shards:,} shards x {HOURS_PER_MONTH} h + {gb_read_month:,.0f} GB a month "
                 f"it reads; {self.quote('kinesis_efo_consumer_shard_hour', 'kinesis_efo_gb')} (provisioned "
                 f"prices); in the total x --efo-consumers ({self.s.efo_consumers})",
                 ("kinesis_efo_consumer_shard_hour", "kinesis_efo_gb"))

    # --- Managed Flink -------------------------------------------------------------------------

    def flink(self) -> None:
        b, free = self.b, 1 - self.s.headroom
        cores, p1 = b.cpu_count, b.full
        saturated = p1.busy_threads >= cores
        memory = (f"; JVM peak {p1.jvm_peak_rss_bytes / 2**20:,.0f} MiB" if p1.jvm_peak_rss_bytes else "")
        scan = (f"; {p1.wall_records_per_second / b.json_scan.wall_records_per_second:.3f}x Flink's own json "
                f"format scanning the same file" if b.json_scan and b.json_scan.wall_s > 0 else "")
        self.per_core_p1 = p1.net_records_per_second / cores
        self.add("flink.per_core_p1", "records/s per core, parallelism 1, RocksDB", self.per_core_p1, "records/s",
                 f"full job on RocksDB with a KPU's managed memory per slot (streamwatch/local/flink_runner.py): "
                 f"{p1.records:,} records in {p1.net_runtime_s:.1f} s of job run time = "
                 f"{p1.net_records_per_second:,.0f} records/s ({p1.wall_records_per_second:,.0f} records/s over the "
                 f"whole process{scan}{memory}), / the {cores} cores of the machine ({self.bench_run}); its tasks "
                 f"were busy {p1.busy_threads:.1f} threads' worth on average: "
                 + (f"at least {cores}, so it used every core" if saturated
                    else f"fewer than {cores}, so cores were idle and this per-core rate is low (conservative)"))
        p2 = b.full_p2
        if p2 is not None:
            scaling = p2.net_records_per_second / p1.net_records_per_second
            self.add("flink.scaling_p1_to_p2", "parallelism 1 -> 2 on this machine (shown, not used)", scaling, "x",
                     f"{p2.net_records_per_second:,.0f} / {p1.net_records_per_second:,.0f} records/s on the same "
                     f"{cores} cores. " + self._scaling_reading(saturated, scaling))
        kpu_vcpu = self.limit("flink_kpu_vcpu")
        self.per_kpu = self.per_core_p1 * kpu_vcpu
        self.add("flink.records_per_kpu", "records/s per KPU", self.per_kpu, "records/s",
                 f"the per-core rate at parallelism 1 on RocksDB x {kpu_vcpu:g} vCPU per KPU. Assumed, not measured: "
                 f"that a KPU's vCPU does what a core of this machine did, that the Kinesis source costs what the "
                 f"file replay did, and that throughput grows in proportion to KPUs beyond the {cores} cores "
                 f"measured (every keyed step is keyed by event_id, (user_id, device_id) or title_id: see the "
                 f"most-watched-title line)")
        per_kpu_parallelism = int(self.t["FlinkParallelismPerKpu"])
        self.kpus = max(1, math.ceil(self.records_peak / (self.per_kpu * free)))
        self.parallelism = self.kpus * per_kpu_parallelism
        self.add("flink.parallelism", "Parallelism (FlinkParallelism)", self.parallelism, "",
                 f"records/s at peak / (records/s per KPU x {free:.2f}) = {self.kpus:,} KPUs, x ParallelismPerKPU "
                 f"{per_kpu_parallelism} (template default); the quotas section says what it needs")
        orchestration = int(self.limit("flink_orchestration_kpu"))
        self.kpus_billed = self.kpus + orchestration
        self.add("flink.kpus", "KPUs billed", self.kpus_billed, "KPUs",
                 f"{self.kpus:,} for the job + {orchestration} for the application's orchestration")
        playback_share = sum(self.v.playback_by_title.values()) / self.v.events
        top = self.v.title_shares[0] if self.v.title_shares else 0.0
        self.add("flink.top_title_peak_per_s", "playback events/s of the most watched title, at peak",
                 self.events_peak * playback_share * top, "events/s",
                 f"{top:.1%} of the playback events are of one title in the simulator ({self.sim}): they all reach "
                 f"one instance of the title-window step (keyed by title_id) after each instance's local "
                 f"pre-aggregation; more KPUs do not spread them")
        grace_s, late_s = self.t["DedupGraceMs"] / 1000, self.t["WatermarkOutOfOrdernessMs"] / 1000
        drift_s = self.t["AlignmentMaxDriftMs"] / 1000
        state = self.s.concurrent_viewers * (VIEWER_STATE_BYTES + TITLE_WINDOW_BYTES_PER_VIEWER) \
            + self.records_peak * drift_s * WAITING_EVENT_BYTES
        storage = self.limit("flink_kpu_storage_gb")
        self.add("flink.state_bytes", "state, an estimate (not measured)", state, "bytes",
                 f"~{VIEWER_STATE_BYTES} bytes per watching viewer in the per-viewer step (the ids of the last "
                 f"{grace_s + late_s:,.0f} s: dedup.grace.ms + the out-of-orderness, the open session, its timers, "
                 f"with RocksDB's key) + ~{TITLE_WINDOW_BYTES_PER_VIEWER} bytes per viewer in the open title windows, "
                 f"and what a catch-up holds waiting: records/s at peak x the {drift_s:,.0f} s of "
                 f"source.alignment.max-drift.ms x ~{WAITING_EVENT_BYTES} bytes (docs/architecture.md's state table); "
                 f"{state / (self.kpus * storage * 1e9):.1%} of the {self.kpus:,} KPUs' running storage "
                 f"({storage:g} GB each)")
        self.flink_month = (self.kpus_billed * HOURS_PER_MONTH * self.price("flink_kpu_hour")
                            + self.kpus * storage * self.price("flink_running_storage_gb_month"))
        self.add("flink.month", "Managed Flink, a month", self.flink_month, "$",
                 f"{self.kpus_billed:,} KPUs x {HOURS_PER_MONTH} h + {self.kpus:,} x {storage:g} GB running storage, "
                 f"sized for the peak all month (autoscaling, on by default, can follow the day down to "
                 f"x{self.v.average_to_peak:.2f} of it); {self.quote('flink_kpu_hour', 'flink_running_storage_gb_month')}",
                 ("flink_kpu_hour", "flink_running_storage_gb_month"))

    @staticmethod
    def _scaling_reading(saturated: bool, scaling: float) -> str:
        """What the parallelism 1 -> 2 ratio says, given whether parallelism 1 kept every core busy."""
        if not saturated:
            return ("Parallelism 1 left cores idle, so part of the ratio is the speed-up from using them; the plan "
                    "sizes from parallelism 1")
        if scaling < 1:
            return ("Parallelism 1 already used every core (each chain of operators is a thread of its own), so "
                    "parallelism 2 adds no CPU here: the ratio is what running as parallel instances costs (the key "
                    "exchange between them, more threads) on a machine with fewer cores than threads; a KPU "
                    "runs its instance on a vCPU of its own, so the plan sizes from parallelism 1")
        return ("Parallelism 1 already kept every core busy on average, yet its slowest chain of operators ran in "
                "one thread and held the rest back; parallelism 2 splits every keyed chain over two threads, so the "
                "same cores did more. The plan sizes from parallelism 1, the lower rate here; whether a KPU's vCPU "
                "does what a core here did is not measured")

    # --- S3 ------------------------------------------------------------------------------------

    def s3(self) -> None:
        b, t = self.b, self.t
        self.roll_s = t["CheckpointIntervalMs"] / 1000
        self.intervals = 86_400 / self.roll_s
        split_at, part = self.limit("file_sink_part_bytes"), self.limit("s3_min_part_bytes")
        target = self.s.compaction_file_bytes
        small = self.limit("small_file_bytes")
        self.add("s3.roll_interval_s", "the file sinks commit every", self.roll_s, "s",
                 f"CheckpointIntervalMs {t['CheckpointIntervalMs']:,.0f} (template default; the service's own default "
                 f"is 60 s too): every zone is Parquet, which rolls at every checkpoint (and at "
                 f"{split_at / 2**20:g} MiB), so each of the job's {self.parallelism:,} instances writes a file per "
                 f"checkpoint for every partition (dt=/hr=) it got rows for. "
                 + (f"The sinks compact (auto-compaction, compaction.file-size {target / 2**20:g} MiB: the job's "
                    f"properties, lake.compaction.file-size.mb): the files one checkpoint wrote into one "
                    f"partition become files of up to {target / 2**20:g} MiB; files of different checkpoints are "
                    f"never merged"
                    if target else "The sinks do not compact (lake.compaction.file-size.mb 0 in the job's properties)"))
        per_event = self.events_day / b.events
        self.stored: dict[str, float] = {}
        self.bytes_day: dict[str, float] = {}
        self.rows_day: dict[str, float] = {}
        self.objects_day: dict[str, float] = {}
        self.daily_compacted_bytes: dict[str, float] = {}  # bytes a day the daily compaction rewrites
        self.requests_day = 0.0
        self.small_zones: list[str] = []
        retention = {"raw": t["RawRetentionDays"], "dlq": t["DlqRetentionDays"], "late": t["LateRetentionDays"]}
        for zone in ZONES:
            size, name = b.zone(zone), zone.split("/")[-1]
            per_row = size.bytes / size.rows if size.rows else 0.0
            if zone == "processed/title_watch_5m":
                rows_day, rows_basis = self._title_window_rows()
            elif zone == "processed/stream_progress":
                rows_day, rows_basis = float(WINDOWS_PER_DAY), "one row per 5-minute window"
            elif zone == "processed/play_starts_1m":
                rows_day, rows_basis = self._play_start_rows()
            elif zone == "processed/sessions":
                rows_day, rows_basis = self._session_rows()
            else:
                rows_day = size.rows * per_event
                rows_basis = f"{size.rows:,} rows per {b.events:,} events in the bench's lake x events a day"
                if not size.rows:
                    rows_basis = (f"the bench's lake has no {zone} rows, so this zone is not sized: its input sends "
                                  f"no events later than the watermark, which clients that were offline do")
            bytes_day = rows_day * per_row
            self.bytes_day[zone], self.rows_day[zone] = bytes_day, rows_day
            written, cells, how = self._objects(zone, rows_day, bytes_day)
            compacted = compacted_objects(cells, bytes_day, target) if target else 0.0
            objects = compacted if target else written
            self.objects_day[name] = objects
            written_bytes = bytes_day / written if written else 0.0
            requests = written * requests_per_object(written_bytes, part) + cells
            if target:  # the compacted files are written again, and the checkpoint's files deleted
                requests += compacted * requests_per_object(bytes_day / compacted if compacted else 0.0, part)
            self.requests_day += requests
            self.add(f"s3.{name}.bytes_per_day", f"{zone}: bytes a day", bytes_day, "bytes",
                     f"{rows_day:,.0f} rows ({rows_basis}) x {per_row:,.1f} bytes per row ({size.bytes:,} bytes / "
                     f"{size.rows:,} rows of compressed Parquet in the bench's lake)")
            cells_text = (f"{cells:,.0f} (partition, checkpoint) pairs with rows a day, each committed with a _SUCCESS "
                          f"marker in its hour (one object per hour partition, rewritten at each commit)")
            if target:
                per_cell = bytes_day / cells / 2**20 if cells else 0.0
                basis = (f"with compaction: {cells_text}, each holding ceil({per_cell:,.1f} MiB / "
                         f"{target / 2**20:g} MiB) file(s); without compaction it would be {written:,.0f}: {how}")
            else:
                basis = f"without compaction: {how}; {cells_text}"
            uploads = ", the checkpoint's files and then the compacted ones" if target else ""
            self.add(f"s3.{name}.objects_per_day", f"{zone}: objects a day", objects, "objects",
                     f"{basis}; {requests:,.0f} PUT-class requests a day (multipart uploads in parts of "
                     f"{part / 2**20:g} MiB{uploads}, and the markers)")
            daily = zone in COMPACTED_ZONES
            if daily:
                rewritten = objects > 0 and bytes_day / objects < DEFAULT_SMALL_BYTES
                self.daily_compacted_bytes[zone] = bytes_day if rewritten else 0.0
                after = daily_compacted_objects(cells, bytes_day, DEFAULT_TARGET_BYTES) if rewritten else objects
                how_after = ("no objects" if not objects else
                             f"{min(24, math.ceil(cells)):,} hour partition(s) with rows x ceil(bytes a day / those "
                             f"partitions / {DEFAULT_TARGET_BYTES / 2**20:g} MiB)"
                             if rewritten else
                             f"its objects are left as they are (a mean object of at least "
                             f"{DEFAULT_SMALL_BYTES / 2**20:g} MiB, which the compaction does not rewrite)")
                self.add(f"s3.{name}.objects_per_day_after_daily_compaction",
                         f"{zone}: objects a day after the daily compaction", after, "objects",
                         f"for a closed day, once the daily workflow's 'Compact the day's files' (batch.compaction) "
                         f"has run: {how_after}; {objects:,.0f} as the stream writes them, until then")
            mean = bytes_day / objects if objects else 0.0
            too_small = objects > 0 and mean < small
            if too_small:
                self.small_zones.append(zone)
            advice = (f"the daily workflow compacts each closed day's partitions into files of up to "
                      f"{DEFAULT_TARGET_BYTES / 2**20:g} MiB before building it (s3.{name}.objects_per_day_after_daily_"
                      f"compaction); until then readers of the day's open hours see these objects, fewer if the "
                      f"sinks commit less often (CheckpointIntervalMs)"
                      if daily else
                      "this zone is not compacted (the completeness check reads it): commit less often "
                      "(CheckpointIntervalMs) if its objects matter")
            self.add(f"s3.{name}.mean_object_bytes", f"{zone}: mean object", mean, "bytes",
                     (f"bytes a day / objects a day as the stream writes them; BELOW the {small / 2**20:g} MiB the "
                      f"plan takes as too small for Athena and Glue, which pay a request and a footer per object: "
                      f"{advice}"
                      if too_small else
                      (f"bytes a day / objects a day; at least the {small / 2**20:g} MiB the plan takes as too small"
                       if objects else "no objects")))
            if name in retention:
                days = retention[name] + NONCURRENT_VERSION_DAYS
                kept = (f"{retention[name]:g} days ({name.capitalize()}RetentionDays, template default) + "
                        f"{NONCURRENT_VERSION_DAYS} days as a noncurrent version (the bucket is versioned)")
            else:
                days = self.s.months * DAYS_PER_MONTH
                kept = f"kept for good: {self.s.months} months of {DAYS_PER_MONTH:.2f} days"
            self.stored[name] = bytes_day * days
            self.add(f"s3.{name}.stored_bytes", f"{zone}: stored", self.stored[name], "bytes", kept)

    def _title_window_rows(self) -> tuple[float, str]:
        v = self.v
        if self.s.titles is not None:
            return (WINDOWS_PER_DAY * self.s.titles,
                    f"{self.s.titles:,} titles (--titles), each watched in every 5-minute window: an upper bound")
        playback_per_window = self.events_avg * WINDOW_S * sum(v.playback_by_title.values()) / v.events
        active = categories_with_rows(playback_per_window, v.title_shares)
        return (WINDOWS_PER_DAY * active,
                f"{WINDOWS_PER_DAY} windows x {active:,.1f} titles watched in a window: the "
                f"{len(v.title_shares):,} titles the simulated viewers watched (of {v.titles_in_catalog:,} in the "
                f"catalog), each with its measured share of a window's {playback_per_window:,.0f} playback events "
                f"(Poisson); --titles for a real catalog")

    def _session_rows(self) -> tuple[float, str]:
        """Sessions a day, from the simulator's sessions per viewer watching at the peak: a session's
        count follows the viewers, not their events (more heartbeats make no more sessions), and the
        bench's lake cannot say it: its input spans a few hours, so it cuts sessions short and counts
        the ones it cuts."""
        v = self.v
        per_day = sum(v.sessions_by_close_lag.values()) / v.days
        per_viewer = per_day / v.watching_at_peak
        self.sessions_day = self.s.concurrent_viewers * per_viewer
        return (self.sessions_day,
                f"{self.s.concurrent_viewers:,} watching x {per_viewer:.3f} sessions a day per viewer watching at the "
                f"peak: {per_day:,.0f} sessions a day (contract §2's 30-minute gap) for {v.watching_at_peak:,.1f} "
                f"watching at the simulator's peak ({self.sim}); not the bench's lake, whose few hours of input cut "
                f"sessions short")

    def _play_start_rows(self) -> tuple[float, str]:
        v = self.v
        plays_per_minute = self.events_avg * 60 * v.play_share
        active = categories_with_rows(plays_per_minute, v.play_pair_shares)
        return (MINUTES_PER_DAY * active,
                f"{MINUTES_PER_DAY:,} minutes x {active:,.1f} (country, device_type) pairs with a play in a minute: "
                f"the {len(v.play_pair_shares):,} pairs the simulated viewers played on, each with its measured share "
                f"of a minute's {plays_per_minute:,.0f} plays (Poisson); more countries make more rows, not more "
                f"viewers")

    def _objects(self, zone: str, rows_day: float, bytes_day: float) -> tuple[float, float, str]:
        """Data objects a day without compaction, cells - (partition, checkpoint) pairs with rows, each a
        commit that writes a _SUCCESS marker - a day, and how the objects were counted."""
        intervals, writers = self.intervals, self.parallelism
        split = max(1, math.ceil(bytes_day / (intervals * writers) / self.limit("file_sink_part_bytes")))
        files = f" x {split} files (128 MiB each)" if split > 1 else ""
        if zone == "raw":
            cells = intervals + 24
            return (writers * cells * split, cells,
                    f"{writers:,} instances x ({intervals:,.0f} intervals + 24): each writes the current hour, and "
                    f"the hour before too in the interval across an hour's end{files}")
        if zone in ("dlq", "late"):
            per_interval = rows_day / intervals
            return (intervals * writers_with_rows(per_interval, writers), intervals * writers_with_rows(per_interval, 1),
                    f"{per_interval:,.1f} rows an interval: only the instances that got one write a file (Poisson over "
                    f"{writers:,})")
        if zone == "processed/sessions":
            objects = commits = 0.0
            for share in self.v.close_lag_shares.values():
                objects += intervals * writers_with_rows(rows_day * share / intervals, writers)
                commits += intervals * writers_with_rows(rows_day * share / intervals, 1)
            lags = ", ".join(f"{lag} h {share:.1%}" for lag, share in self.v.close_lag_shares.items() if share >= 0.001)
            return (objects * split, commits,
                    f"a session is written when it closes (last event + the gap), into its start's hour, so an "
                    f"interval writes into several past hours; hours from start to close in the simulator: {lags} "
                    f"({self.sim}); Poisson over {writers:,} instances{files}")
        if zone == "processed/title_watch_5m":
            active = rows_day / WINDOWS_PER_DAY
            return (WINDOWS_PER_DAY * writers_with_rows(active, writers), float(WINDOWS_PER_DAY),
                    f"a window's {active:,.0f} rows are written once, by the instances that own their title_id: "
                    f"{WINDOWS_PER_DAY} x the instances of {writers:,} with a row (Poisson)")
        if zone == "processed/play_starts_1m":
            commits = min(float(MINUTES_PER_DAY), intervals)  # a minute's rows wait for the next roll
            active = rows_day / commits
            return (commits * writers_with_rows(active, writers), commits,
                    f"each roll writes the {active:,.0f} rows of the minutes closed since the last, by the instances "
                    f"that own their (country, device_type): {commits:,.0f} x the instances of {writers:,} with a "
                    f"row (Poisson)")
        return (float(WINDOWS_PER_DAY), float(WINDOWS_PER_DAY), "one row, so one file, per 5-minute window")

    # --- Redshift ------------------------------------------------------------------------------

    def redshift(self) -> None:
        b, v = self.b, self.v
        sessions = b.zone("processed/sessions")
        per_row = sessions.bytes / sessions.rows
        sessions_day = self.sessions_day
        self.add("redshift.sessions_per_day", "fact_watch_session rows a day", sessions_day, "rows",
                 "one per session: the sessions a day of the S3 section (processed/sessions)")
        users_day = self.s.concurrent_viewers * v.daily_users_per_peak_viewer
        self.add("redshift.user_days_per_day", "fact_user_daily rows a day (daily active users)", users_day, "rows",
                 f"{v.daily_users_per_peak_viewer:.3f} distinct users a day per viewer watching at the peak ({self.sim}, "
                 f"whose users each start {SESSIONS_PER_USER_PER_DAY:g} sessions a day: the simulator's assumption, "
                 f"not a measurement of real viewers)")
        bytes_day = (sessions_day + users_day) * per_row
        self.add("redshift.bytes_per_day", "bytes a day", bytes_day, "bytes",
                 f"(sessions + user-days) x {per_row:,.1f} bytes, the sessions' Parquet bytes per row in the bench's "
                 f"lake, taken for Redshift's compressed columns too (assumed, not measured; a user-day has fewer "
                 f"columns, so it is an upper bound there); the title, device and title-catalog tables add a few "
                 f"thousand rows a day")
        self.redshift_stored = bytes_day * self.s.months * DAYS_PER_MONTH
        self.add("redshift.stored_bytes", f"stored after {self.s.months} months", self.redshift_stored, "bytes",
                 f"kept for good: {self.s.months} x {DAYS_PER_MONTH:.2f} days")
        curated_day = self.curated_day = users_day * per_row
        self.stored["curated"] = curated_day * self.s.months * DAYS_PER_MONTH
        self.add("s3.curated.bytes_per_day", "curated: bytes a day", curated_day, "bytes",
                 "daily_user_engagement, one row per daily active user, sized like fact_user_daily (Redshift "
                 "section); the other curated tables are a few thousand rows a day")
        self.add("s3.curated.stored_bytes", "curated: stored", self.stored["curated"], "bytes",
                 f"kept for good: {self.s.months} months of {DAYS_PER_MONTH:.2f} days")

    # --- cost ----------------------------------------------------------------------------------

    def cost(self) -> None:
        stored = sum(self.stored.values())
        s3_storage, tiers = self._s3_tiers(stored / GIB)
        items = [
            ("kinesis", f"Kinesis ({self.kinesis_mode})", self.kinesis_month, "the cheaper mode (Kinesis section)",
             self.kinesis_prices),
            ("kinesis_retention", "Kinesis extended retention", self.retention_month,
             "StreamRetentionHours above 24 h (Kinesis section)",
             ("kinesis_extended_retention_shard_hour",) if self.retention_month else ()),
            ("kinesis_efo", "Kinesis enhanced fan-out", self.s.efo_consumers * self.efo_per_consumer,
             f"{self.s.efo_consumers} further consumer(s) (--efo-consumers) x the Kinesis section's per-consumer "
             f"figure", ("kinesis_efo_consumer_shard_hour", "kinesis_efo_gb") if self.s.efo_consumers else ()),
            ("flink", "Managed Flink", self.flink_month, "Managed Flink section",
             ("flink_kpu_hour", "flink_running_storage_gb_month")),
            ("s3_storage", "S3 storage", s3_storage,
             f"{stored / GIB:,.0f} GiB, every zone as stored (S3 section), in S3 Standard's tiers: {tiers}",
             ("s3_standard_gb_month", "s3_standard_next_450tb_gb_month", "s3_standard_over_500tb_gb_month")),
            ("s3_requests", "S3 PUT requests", self.requests_day * DAYS_PER_MONTH / 1000 * self.price("s3_put_thousand"),
             f"{self.requests_day:,.0f} a day (S3 section; the reads of Athena, Glue, COPY and compaction are not "
             f"counted); {self.quote('s3_put_thousand')}", ("s3_put_thousand",)),
            ("redshift_storage", "Redshift managed storage",
             self.redshift_stored / GIB * self.price("redshift_rms_gb_month"),
             f"{self.redshift_stored / GIB:,.0f} GiB (Redshift section); {self.quote('redshift_rms_gb_month')}",
             ("redshift_rms_gb_month",)),
        ] + [(key, figure, month, f"operations section: {basis}", prices)
             for key, figure, month, basis, prices in self.operation_costs]
        left_out = ["Managed Flink durable backups (snapshots)", "S3 GET and LIST requests and access logs",
                    "the Glue Data Catalog", "Step Functions, Lambda, SNS, SQS, DynamoDB and Secrets Manager (a few "
                    "dollars at most)", "data transfer"]
        for key, figure, value, basis, prices in items:
            self.add(f"cost.{key}", figure, value, "$", basis, prices)
        self.add("cost.total", "total, a month", sum(item[2] for item in items), "$",
                 f"the lines above, with the capacity of the peak all month; left out: {'; '.join(left_out)}",
                 tuple(name for item in items for name in item[4]))

    def _s3_tiers(self, gb: float) -> tuple[float, str]:
        """S3 Standard's monthly storage charge for ``gb`` GB in its three tiers, and how it splits."""
        first, second = self.limit("s3_standard_tier_1_gb"), self.limit("s3_standard_tier_2_gb")
        rates = (self.price("s3_standard_gb_month"), self.price("s3_standard_next_450tb_gb_month"),
                 self.price("s3_standard_over_500tb_gb_month"))
        parts = (min(gb, first), min(max(gb - first, 0.0), second - first), max(gb - second, 0.0))
        text = ", ".join(f"{part:,.0f} GB at ${rate:g}" for part, rate in zip(parts, rates) if part > 0) or "none"
        return sum(part * rate for part, rate in zip(parts, rates)), text

    # --- sources -------------------------------------------------------------------------------

    def sources(self) -> None:
        for name in self.used_prices:
            price = self.p[name]
            self.add(f"sources.price.{name}", name, price.value, price.unit, price.source, (name,))
        for name in self.used_limits:
            cited = self.limits[name]
            self.add(f"sources.limit.{name}", name, cited.value, cited.unit, cited.source)
