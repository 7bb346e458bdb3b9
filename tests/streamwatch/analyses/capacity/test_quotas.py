"""The quotas section against bounds written out here by hand over the fixture's numbers."""

from __future__ import annotations

import math

from streamwatch.analyses.capacity.model import Settings
from tests.streamwatch.analyses.capacity.plan_fixture import plan_for


def test_fifty_million_viewers_need_the_kpu_quota_raised():
    plan = plan_for(Settings(concurrent_viewers=50_000_000))
    kpus = math.ceil(50 * 20_240 / (10_120 * 0.75))  # 134
    assert plan.value("flink.parallelism") == kpus
    assert plan.value("quotas.flink_kpus") == kpus
    assert "default quota of 64 KPUs per application: ABOVE" in plan.line("quotas.flink_kpus").basis
    assert plan.value("quotas.flink_parallelism") == 64 * 1  # the KPU quota x ParallelismPerKPU
    assert plan.value("quotas.job_max_parallelism") == 512
    assert "within" in plan.line("quotas.job_max_parallelism").basis
    assert plan.value("kinesis.provisioned_shards") == math.ceil(50 * 20_240 / 750)
    assert "within" in plan.line("quotas.kinesis_shards").basis  # 1,350 of 20,000
    # the KPU quota, and the template's FlinkMaxKpus MaxValue of 64
    assert plan.value("quotas.increases_needed") == 2
    assert "KPUs per application: 64 -> at least 134" in plan.line("quotas.increases_needed").basis
    assert "FlinkMaxKpus MaxValue: 64 -> at least 134" in plan.line("quotas.increases_needed").basis


def test_a_parallelism_above_the_job_s_max_parallelism_says_what_to_change():
    from tests.streamwatch.analyses.capacity.plan_fixture import TEMPLATE

    plan = plan_for(Settings(concurrent_viewers=50_000_000), template={**TEMPLATE, "MaxParallelism": 128})
    assert "ABOVE: raise max-parallelism" in plan.line("quotas.job_max_parallelism").basis
    assert "skip-snapshot" in plan.line("quotas.job_max_parallelism").basis
    assert plan.value("quotas.increases_needed") == 3


def test_a_million_viewers_need_no_increase():
    plan = plan_for()
    assert plan.value("quotas.increases_needed") == 0
    assert plan.line("quotas.increases_needed").basis.startswith("none")
