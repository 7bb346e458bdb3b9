"""The operations section (Athena, Glue, Redshift compute, CloudWatch, KMS) against arithmetic
written out here by hand over the fixture's numbers and prices."""

from __future__ import annotations

import pytest

from streamwatch.analyses.capacity.model import Settings
from tests.streamwatch.analyses.capacity.plan_fixture import N, plan_for
from tests.streamwatch.analyses.capacity.test_model import KPUS, MIB, MONTH_D, MONTH_H, SESSIONS_DAY


def test_athena_scans_the_nightly_checks_and_the_ad_hoc_allowance():
    plan = plan_for()
    footers = (plan.value("s3.raw.objects_per_day") + plan.value("s3.dlq.objects_per_day")) * 32 * 1024
    quality = footers + SESSIONS_DAY * 100 + plan.value("s3.title_watch_5m.bytes_per_day") \
        + plan.value("s3.curated.bytes_per_day")
    nightly = quality + 256 * MIB + 16 * 10e6  # the raw sample; stream_progress 16 times at the 10 MB minimum
    assert plan.value("operations.athena_nightly_bytes") == pytest.approx(nightly)
    assert plan.value("cost.athena") == pytest.approx((nightly + 100e9) * MONTH_D / 1e12 * 6.0)
    more = plan_for(Settings(concurrent_viewers=N, athena_adhoc_gb_per_day=1000))
    assert more.value("cost.athena") == pytest.approx((nightly + 1000e9) * MONTH_D / 1e12 * 6.0)


def test_glue_dpu_hours_scale_from_the_local_rate_with_a_floor():
    per_dpu = (2 * 30_000 + 179_000) / 7.8 / 2 * 4  # rows/s per vCPU of the local run x 4 vCPU per DPU
    small = plan_for()
    rows = 2 * SESSIONS_DAY + small.value("s3.title_watch_5m.bytes_per_day") / 10  # 10 bytes a title window row
    assert rows / per_dpu / 3600 < 4 * 2 / 60
    assert small.value("operations.glue_dpu_hours_per_day") == pytest.approx(4 * 2 / 60)  # 4 jobs x 2 workers x 1 min
    big = plan_for(Settings(concurrent_viewers=50_000_000))
    big_rows = 2 * 50 * SESSIONS_DAY + big.value("s3.title_watch_5m.bytes_per_day") / 10
    assert big.value("operations.glue_dpu_hours_per_day") == pytest.approx(big_rows / per_dpu / 3600)
    assert big.value("cost.glue") == pytest.approx(big_rows / per_dpu / 3600 * MONTH_D * 0.5)
    given = plan_for(Settings(concurrent_viewers=N, glue_dpu_hours_per_day=4))
    assert given.value("cost.glue") == pytest.approx(4 * MONTH_D * 0.5)


def test_redshift_compute_is_an_assumption_unless_given():
    plan = plan_for()
    assert plan.value("cost.redshift_compute") == pytest.approx(8 * 2 * MONTH_D * 0.4)  # base RPUs x 2 h
    assert "an assumption" in plan.line("operations.redshift_rpu_hours_per_day").basis
    given = plan_for(Settings(concurrent_viewers=N, redshift_rpu_hours_per_day=16))
    assert given.value("cost.redshift_compute") == pytest.approx(16 * MONTH_D * 0.4)


def test_cloudwatch_counts_the_template_s_alarms_and_metrics():
    plan = plan_for()
    metrics = 1 + 5 + 16  # PlayStarts total + 5 device types; one S3 request-metric filter of 16
    puts = 6 * 1440 * MONTH_D
    expected = (metrics * 0.3 + 8 * 0.1 + 0 * 3.0 + 1 * MONTH_D * 0.5 + 1 * 30 * 0.03 + puts / 1000 * 0.01)
    assert plan.value("operations.cloudwatch_alarm_metrics") == 8
    assert plan.value("operations.cloudwatch_custom_metrics") == metrics
    assert plan.value("cost.cloudwatch") == pytest.approx(expected)


def test_kms_prices_the_key_its_rotation_and_the_stream_s_requests():
    plan = plan_for()
    requests = (KPUS + 100) * 12 * MONTH_H  # 12 calls an hour per credential: the KPUs and 100 producers
    assert plan.value("cost.kms") == pytest.approx(1 * 2 * 1.0 + (requests - 20_000) / 10_000 * 0.03)


def test_the_daily_compaction_rewrites_the_small_zones_at_the_local_rate():
    plan = plan_for(Settings(concurrent_viewers=50_000_000, compaction_file_bytes=128 * MIB))
    names = ("raw", "dlq", "late", "sessions", "title_watch_5m", "play_starts_1m")
    small = [name for name in names if plan.value(f"s3.{name}.objects_per_day")
             and plan.value(f"s3.{name}.bytes_per_day") / plan.value(f"s3.{name}.objects_per_day") < 64 * MIB]
    assert "sessions" in small and "raw" not in small
    rewritten = sum(plan.value(f"s3.{name}.bytes_per_day") for name in small)
    per_second = 61_328_850 / 1.8 * 4  # the local rate per vCPU x the 4 vCPU of the job's 1 DPU
    minutes = max(1.0, rewritten / per_second / 60)
    assert plan.value("operations.compaction_minutes_per_day") == pytest.approx(minutes)
    assert plan.value("cost.compaction") == pytest.approx(minutes / 60 * MONTH_D * 0.5)
    assert minutes < 120  # the template's timeout of the job
    tiny = plan_for(Settings(concurrent_viewers=1_000, compaction_file_bytes=128 * MIB))
    assert tiny.value("operations.compaction_minutes_per_day") == pytest.approx(1.0)  # the billed minimum
