"""The Glue batch's rate, measured locally: the one figure the plan scales the daily batch's DPU-hours
from, with how it was measured.

``python -m batch.bench --sessions 3000 --sessions 30000`` (docs/batch.md, "How long it takes", run
2026-11-25 on this project's 2-core machine, one local Spark session) ran the 12 job runs of 3 dts of
a synthetic processed zone of 30,000 sessions and 179,000 title windows in 6.8-7.8 s. Those jobs read
the sessions twice (daily_user_engagement and daily_device_summary) and the title windows once
(daily_title_popularity), so 2 x 30,000 + 179,000 = 239,000 rows in at most 7.8 s on 2 cores. The run
was dominated by Spark's fixed cost per job, so the rate is low for a large day (conservative).

Example::

    GLUE_RATE.rows_per_second_per_vcpu
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MeasuredRate:
    rows: int
    seconds: float
    cores: int
    how: str

    @property
    def rows_per_second_per_vcpu(self) -> float:
        return self.rows / self.seconds / self.cores


GLUE_RATE = MeasuredRate(
    rows=2 * 30_000 + 179_000, seconds=7.8, cores=2,
    how="python -m batch.bench --sessions 30000 (docs/batch.md, 2026-11-25, 2-core machine, local Spark): the 12 "
        "job runs of 3 dts read 2 x 30,000 sessions + 179,000 title windows in 6.8-7.8 s (the slower taken)")
GLUE_DPU_VCPU = 4  # a G.1X worker (1 DPU): 4 vCPU, 16 GB (aws.amazon.com/glue/pricing/)


@dataclass(frozen=True)
class MeasuredBytes:
    bytes: int
    cpu_seconds: float
    how: str

    @property
    def bytes_per_second_per_vcpu(self) -> float:
        return self.bytes / self.cpu_seconds


# The daily compaction (batch.compaction.compact_day, one worker) over a copy of the bench lake's raw/
# and processed/sessions zones of 1,011,923 records (`streamwatch bench --events 1000000 --keep DIR`),
# each file split into 8 to make small files: 61,328,850 bytes in 1.8 s of CPU, 2026-12-03 on this
# project's 2-core machine. Rewriting is Parquet decode + zstd/snappy encode, CPU-bound.
COMPACTION_RATE = MeasuredBytes(
    bytes=61_328_850, cpu_seconds=1.8,
    how="compact_day over the bench lake's raw/ and processed/sessions (1,011,923 records, each file split in 8): "
        "61.3 MB in 1.8 CPU-seconds on this project's 2-core machine, 2026-12-03")
