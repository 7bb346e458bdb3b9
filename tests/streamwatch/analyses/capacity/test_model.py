"""The plan's arithmetic against formulas written out here by hand over the fixture's numbers."""

from __future__ import annotations

import math

import pytest

from streamwatch.analyses.capacity.model import Settings
from streamwatch.analyses.capacity.viewers import ViewerSample
from tests.streamwatch.analyses.capacity.plan_fixture import N, VIEWERS, plan_for

GIB = 1024**3
MIB = 1024**2
MONTH_H = 730
MONTH_D = 730 / 24

EVENTS_PEAK = N * 21_600 / 1.08e6  # events per watched second at the peak = 0.02
EVENTS_AVG = EVENTS_PEAK * (205_600 / 24) / 21_600
RECORDS_PEAK = EVENTS_PEAK * 1_012_000 / 1_000_000
RECORDS_AVG = EVENTS_AVG * 1.012
EVENTS_DAY = EVENTS_AVG * 86_400
RECORDS_MONTH = RECORDS_AVG * MONTH_H * 3600
KPUS = 3  # ceil(20,240 / (20,240 / 2 x 0.75)) = ceil(2.67)
WRITERS = KPUS


def test_events_at_peak_and_on_average():
    plan = plan_for()
    assert EVENTS_PEAK == 20_000
    assert plan.value("events.peak_per_s") == pytest.approx(20_000)
    assert plan.value("events.average_per_s") == pytest.approx(EVENTS_AVG)
    assert plan.value("events.peak_heartbeat_per_s") == pytest.approx(20_000 * 0.8)
    assert plan.value("events.peak_browse_per_s") == pytest.approx(20_000 * 0.1)
    assert plan.value("events.records_peak_per_s") == pytest.approx(20_240)
    assert plan.value("events.per_day") == pytest.approx(EVENTS_DAY)
    assert plan.value("events.record_bytes") == pytest.approx(306)


def test_kinesis_shards_and_monthly_cost():
    plan = plan_for()
    assert plan.value("kinesis.write_bytes_peak_per_s") == pytest.approx(20_240 * 306)
    # records bind: ceil(20,240 / 750) = 27; bytes: ceil(6,193,440 / 786,432) = 8
    assert plan.value("kinesis.provisioned_shards") == 27
    provisioned = 27 * MONTH_H * 0.02 + RECORDS_MONTH / 1e6 * 0.01
    on_demand = MONTH_H * 0.05 + RECORDS_MONTH * 1024 / GIB * (0.1 + 0.05)
    assert plan.value("kinesis.provisioned_month") == pytest.approx(provisioned)
    assert plan.value("kinesis.on_demand_month") == pytest.approx(on_demand)
    assert plan.value("kinesis.mode") == ("PROVISIONED" if provisioned <= on_demand else "ON_DEMAND")


def test_large_records_make_bytes_bind_and_cost_more_on_demand():
    big = ViewerSample(**{**VIEWERS.__dict__, "record_bytes": 205_600 * 1984})  # 2,000 bytes with the key
    plan = plan_for(viewers=big)
    assert plan.value("kinesis.provisioned_shards") == math.ceil(20_240 * 2000 / (1024 * 1024 * 0.75))  # 52
    assert plan.value("kinesis.on_demand_month") == pytest.approx(
        MONTH_H * 0.05 + RECORDS_MONTH * 2 * 1024 / GIB * 0.15)  # billed as 2 KiB a record


def test_flink_sizes_from_the_full_job_at_parallelism_1_on_rocksdb():
    plan = plan_for()
    assert plan.value("flink.per_core_p1") == pytest.approx(1_012_000 / 50.0 / 2)
    assert plan.value("flink.scaling_p1_to_p2") == pytest.approx(50.0 / 46.0)  # shown, not used
    assert "splits every keyed chain over two threads" in plan.line("flink.scaling_p1_to_p2").basis  # faster at 2
    assert plan.value("flink.records_per_kpu") == pytest.approx(10_120)  # parallelism 1's rate per core
    assert "RocksDB" in plan.line("flink.per_core_p1").basis
    assert plan.value("flink.parallelism") == KPUS
    assert plan.value("flink.kpus") == KPUS + 1
    assert "at least 2, so it used every core" in plan.line("flink.per_core_p1").basis
    assert plan.value("flink.month") == pytest.approx(4 * MONTH_H * 0.1 + 3 * 50 * 0.1)
    assert plan.value("flink.top_title_peak_per_s") == pytest.approx(20_000 * 10_000 / 205_600 * 0.5)
    # ~400 B per viewer in the per-viewer step, ~100 B in the title windows, and a catch-up's
    # 60 s of alignment drift of records waiting, ~90 B each (docs/architecture.md's state table)
    assert plan.value("flink.state_bytes") == pytest.approx(N * (400 + 100) + 20_240 * 60 * 90)


def test_a_run_without_parallelism_2_plans_the_same():
    from dataclasses import replace

    from streamwatch.analyses.capacity.bench_figures import load_bench
    from tests.streamwatch.analyses.capacity.plan_fixture import FIXTURE

    plan = plan_for(bench=replace(load_bench(FIXTURE), full_p2=None))
    assert plan.value("flink.parallelism") == KPUS
    with pytest.raises(KeyError):
        plan.line("flink.scaling_p1_to_p2")


def test_headroom_sizes_for_the_share_kept_free():
    plan = plan_for(Settings(concurrent_viewers=N, headroom=0.5))
    assert plan.value("kinesis.provisioned_shards") == math.ceil(20_240 / 500)
    assert plan.value("flink.parallelism") == math.ceil(20_240 / (10_120 * 0.5))


def test_kinesis_extended_retention_and_a_further_consumer():
    from tests.streamwatch.analyses.capacity.plan_fixture import TEMPLATE

    plan = plan_for(Settings(concurrent_viewers=N, efo_consumers=2), template={**TEMPLATE, "StreamRetentionHours": 72})
    assert plan.value("kinesis.extended_retention_month") == pytest.approx(27 * MONTH_H * 0.03)
    per_consumer = 27 * MONTH_H * 0.02 + RECORDS_MONTH * 306 / 1e9 * 0.01
    assert plan.value("kinesis.efo_per_consumer_month") == pytest.approx(per_consumer)
    assert plan.value("cost.kinesis_efo") == pytest.approx(2 * per_consumer)
    assert plan.value("cost.kinesis_retention") == pytest.approx(27 * MONTH_H * 0.03)
    day_only = plan_for()  # StreamRetentionHours 24: nothing beyond the included day
    assert day_only.value("kinesis.extended_retention_month") == 0 and day_only.value("cost.kinesis_efo") == 0


def test_s3_raw_zone_objects_bytes_and_retention():
    plan = plan_for()
    raw_bytes = EVENTS_DAY / 1_000_000 * 1_010_000 * (297_000_000 / 1_010_000)
    assert plan.value("s3.raw.bytes_per_day") == pytest.approx(raw_bytes)
    assert raw_bytes / (1440 * WRITERS) < 128 * MIB  # so no file is split by size
    assert plan.value("s3.raw.objects_per_day") == WRITERS * (1440 + 24)
    assert plan.value("s3.raw.stored_bytes") == pytest.approx(raw_bytes * (90 + 7))


def test_objects_after_the_daily_compaction_beside_what_the_stream_writes():
    plan = plan_for()
    raw_bytes = plan.value("s3.raw.bytes_per_day")
    assert raw_bytes / plan.value("s3.raw.objects_per_day") < 64 * MIB  # small files: rewritten
    assert plan.value("s3.raw.objects_per_day_after_daily_compaction") == 24 * math.ceil(raw_bytes / 24 / (128 * MIB))
    sessions = plan.value("s3.sessions.bytes_per_day")
    assert plan.value("s3.sessions.objects_per_day_after_daily_compaction") == 24 * math.ceil(sessions / 24 / (128 * MIB))
    keys = {line.key for line in plan.lines}
    assert "s3.stream_progress.objects_per_day_after_daily_compaction" not in keys  # never compacted
    [mean] = [line for line in plan.lines if line.key == "s3.sessions.mean_object_bytes"]
    assert "the daily workflow compacts each closed day" in mean.basis


def test_s3_sparse_zones_write_only_where_rows_fell():
    plan = plan_for()
    dlq_rows_per_interval = EVENTS_DAY / 1_000_000 * 2000 / 1440
    assert plan.value("s3.dlq.objects_per_day") == pytest.approx(
        1440 * WRITERS * (1 - math.exp(-dlq_rows_per_interval / WRITERS)))
    assert plan.value("s3.dlq.bytes_per_day") == pytest.approx(EVENTS_DAY / 1_000_000 * 2_000_000)
    assert plan.value("s3.late.stored_bytes") == pytest.approx(EVENTS_DAY / 1_000_000 * 30_000 * (30 + 7))


# The fixture's day: 1,000 sessions for 300 viewers watching at the peak; so N watching make N x 1,000 / 300
SESSIONS_DAY = N * 1000 / 300


def test_s3_sessions_spread_over_the_hours_their_sessions_started():
    plan = plan_for()
    sessions_day = SESSIONS_DAY
    expected = sum(1440 * WRITERS * (1 - math.exp(-sessions_day * share / 1440 / WRITERS))
                   for share in (0.1, 0.5, 0.3, 0.1))
    assert plan.value("s3.sessions.objects_per_day") == pytest.approx(expected)
    assert plan.value("s3.sessions.bytes_per_day") == pytest.approx(sessions_day * 100)
    assert plan.value("s3.sessions.stored_bytes") == pytest.approx(sessions_day * 100 * 12 * MONTH_D)


def test_sessions_follow_the_viewers_not_their_events():
    """Five times the events per watching viewer (shorter heartbeats) make no more sessions."""
    from dataclasses import replace

    from tests.streamwatch.analyses.capacity.plan_fixture import VIEWERS

    busier = replace(VIEWERS, events_by_hour=tuple(5 * n for n in VIEWERS.events_by_hour))
    plan = plan_for(viewers=busier)
    assert plan.value("events.peak_per_s") == pytest.approx(5 * 20_000)
    assert plan.value("redshift.sessions_per_day") == pytest.approx(SESSIONS_DAY)


RAW_DAY = EVENTS_DAY / 1_000_000 * 1_010_000 * (297_000_000 / 1_010_000)


def test_compaction_makes_a_file_per_partition_and_checkpoint_up_to_128_mib():
    plan = plan_for(Settings(concurrent_viewers=N, compaction_file_bytes=128 * MIB))
    # raw: the current hour at each of 1,440 checkpoints, and the previous one at the 24 across an hour's
    # end; each cell's ~139 MB becomes 2 files of at most 128 MiB, whatever the parallelism
    per_cell = RAW_DAY / 1464
    assert 128 * MIB < per_cell < 2 * 128 * MIB
    assert plan.value("s3.raw.objects_per_day") == 1464 * 2
    assert plan.value("s3.raw.mean_object_bytes") == pytest.approx(RAW_DAY / (1464 * 2))
    assert "without compaction it would be" in plan.line("s3.raw.objects_per_day").basis
    # sessions: every checkpoint closes sessions of each of the 4 start hours, a cell each, ~0.06 MB a cell
    cells = sum(1440 * (1 - math.exp(-SESSIONS_DAY * share / 1440)) for share in (0.1, 0.5, 0.3, 0.1))
    assert plan.value("s3.sessions.objects_per_day") == pytest.approx(cells)
    assert plan.value("s3.sessions.mean_object_bytes") == pytest.approx(SESSIONS_DAY * 100 / cells)
    assert "BELOW the 16 MiB" in plan.line("s3.sessions.mean_object_bytes").basis
    assert "daily" in plan.line("s3.sessions.mean_object_bytes").basis
    assert "at least the 16 MiB" in plan.line("s3.raw.mean_object_bytes").basis


def test_without_compaction_each_instance_writes_its_own_file():
    plan = plan_for()
    assert plan.value("s3.raw.objects_per_day") == WRITERS * 1464
    assert plan.value("s3.raw.mean_object_bytes") == pytest.approx(RAW_DAY / (WRITERS * 1464))


def test_s3_title_windows_scale_with_titles_not_events():
    plan = plan_for()
    playback_per_window = EVENTS_AVG * 300 * 10_000 / 205_600
    active = sum(1 - math.exp(-playback_per_window * share) for share in (0.5, 0.3, 0.2))
    assert plan.value("s3.title_watch_5m.bytes_per_day") == pytest.approx(288 * active * 10)
    assert plan.value("s3.title_watch_5m.objects_per_day") == pytest.approx(
        288 * WRITERS * (1 - math.exp(-active / WRITERS)))
    given = plan_for(Settings(concurrent_viewers=N, titles=5000))
    assert given.value("s3.title_watch_5m.bytes_per_day") == pytest.approx(288 * 5000 * 10)
    assert plan.value("s3.stream_progress.objects_per_day") == 288
    assert plan.value("s3.stream_progress.bytes_per_day") == pytest.approx(288 * 250_000 / 2800)


def test_s3_play_starts_scale_with_country_device_pairs_not_events():
    plan = plan_for()
    plays_per_minute = EVENTS_AVG * 60 * 1000 / 205_600  # 1,000 plays among the sample's 205,600 events
    active = sum(1 - math.exp(-plays_per_minute * share) for share in (0.6, 0.3, 0.1))
    assert plan.value("s3.play_starts_1m.bytes_per_day") == pytest.approx(1440 * active * 10)
    assert plan.value("s3.play_starts_1m.objects_per_day") == pytest.approx(
        1440 * WRITERS * (1 - math.exp(-active / WRITERS)))
    assert plan.value("s3.play_starts_1m.stored_bytes") == pytest.approx(1440 * active * 10 * 12 * MONTH_D)


def test_redshift_storage_from_sessions_and_daily_users():
    plan = plan_for()
    sessions_day = SESSIONS_DAY
    users_day = N * 1650 / 300
    assert plan.value("redshift.sessions_per_day") == pytest.approx(sessions_day)
    assert plan.value("redshift.user_days_per_day") == pytest.approx(users_day)
    assert plan.value("redshift.bytes_per_day") == pytest.approx((sessions_day + users_day) * 100)
    assert plan.value("redshift.stored_bytes") == pytest.approx((sessions_day + users_day) * 100 * 12 * MONTH_D)
    assert plan.value("s3.curated.stored_bytes") == pytest.approx(users_day * 100 * 12 * MONTH_D)


def test_s3_storage_is_priced_in_its_tiers():
    plan = plan_for(Settings(concurrent_viewers=50_000_000))
    stored = sum(plan.value(f"s3.{zone}.stored_bytes") for zone in
                 ("raw", "dlq", "late", "sessions", "title_watch_5m", "stream_progress", "play_starts_1m", "curated"))
    gb = stored / GIB
    assert gb > 500 * 1024  # all three tiers
    expected = 50 * 1024 * 0.02 + 450 * 1024 * 0.019 + (gb - 500 * 1024) * 0.018
    assert plan.value("cost.s3_storage") == pytest.approx(expected)


def test_monthly_cost_adds_up_its_lines():
    plan = plan_for(Settings(concurrent_viewers=N, redshift_rpu_hours_per_day=16, glue_dpu_hours_per_day=4))
    stored = sum(plan.value(f"s3.{zone}.stored_bytes") for zone in
                 ("raw", "dlq", "late", "sessions", "title_watch_5m", "stream_progress", "play_starts_1m", "curated"))
    assert stored / GIB < 50 * 1024  # the first tier only
    assert plan.value("cost.s3_storage") == pytest.approx(stored / GIB * 0.02)
    assert plan.value("cost.redshift_storage") == pytest.approx(plan.value("redshift.stored_bytes") / GIB * 0.03)
    kinesis = min(plan.value("kinesis.provisioned_month"), plan.value("kinesis.on_demand_month"))
    assert plan.value("cost.kinesis") == pytest.approx(kinesis)
    lines = [line for line in plan.lines if line.section == "cost" and line.key != "cost.total"]
    assert {line.key for line in lines} == {f"cost.{key}" for key in (
        "kinesis", "kinesis_retention", "kinesis_efo", "flink", "s3_storage", "s3_requests", "redshift_storage",
        "athena", "glue", "compaction", "redshift_compute", "cloudwatch", "kms")}
    assert plan.value("cost.total") == pytest.approx(sum(line.value for line in lines))
    assert all(line.basis for line in lines)
    assert plan.line("cost.total").price_dates == ("2026-01-02",)


def test_every_line_says_what_it_rests_on_and_every_price_has_a_date():
    from tests.streamwatch.analyses.capacity.plan_fixture import TEMPLATE

    plan = plan_for(Settings(concurrent_viewers=N, efo_consumers=1), template={**TEMPLATE, "StreamRetentionHours": 72})
    for line in plan.lines:
        assert line.basis.strip(), line.key
        if line.unit == "$" and line.value:
            assert line.price_dates, line.key
    used = {line.key.removeprefix("sources.price.") for line in plan.lines if line.key.startswith("sources.price.")}
    from tests.streamwatch.analyses.capacity.plan_fixture import TEST_PRICES

    assert used == set(TEST_PRICES)  # every price of the list is used by some line, and listed with its source


@pytest.mark.parametrize("kwargs, message", [
    ({"concurrent_viewers": 0}, "at least 1"),
    ({"concurrent_viewers": 5, "headroom": 1.0}, "below 1"),
    ({"concurrent_viewers": 5, "months": 0}, "months"),
    ({"concurrent_viewers": 5, "titles": 0}, "titles"),
])
def test_settings_refuse_what_cannot_be_planned(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Settings(**kwargs)


def test_every_zone_rolls_at_every_checkpoint():
    """raw/, dlq/ and late/ are Parquet like the rest: a shorter checkpoint interval means more
    objects in every zone, with no separate rollover interval."""
    from tests.streamwatch.analyses.capacity.plan_fixture import TEMPLATE

    fast = plan_for(template={**TEMPLATE, "CheckpointIntervalMs": 10_000})
    assert fast.value("s3.roll_interval_s") == 10
    assert fast.value("s3.raw.objects_per_day") == WRITERS * (8640 + 24)
    assert "rolls at every checkpoint" in fast.line("s3.roll_interval_s").basis
