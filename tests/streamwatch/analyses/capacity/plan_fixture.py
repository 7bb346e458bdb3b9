"""The plan's fixture: a hand-made day of viewers, make bench's JSON fixture, the template's
defaults and round test prices (not the shipped ones), for the model's and the renderer's tests."""

from __future__ import annotations

from pathlib import Path

from streamwatch.analyses.capacity.bench_figures import load_bench
from streamwatch.analyses.capacity.model import Settings, build_plan
from streamwatch.analyses.capacity.sources import PRICES, Price
from streamwatch.analyses.capacity.template_counts import TemplateCounts
from streamwatch.analyses.capacity.viewers import ViewerSample

FIXTURE = Path(__file__).resolve().parents[3] / "data" / "bench_results_fixture.json"
# A day of 300 viewers watching in the busiest hour (20:00): 21,600 events there, 8,000 in each other
# hour; 1.08e9 ms watched at the peak = 300 viewers for the hour.
VIEWERS = ViewerSample(
    days=1,
    events_by_hour=(8000,) * 20 + (21_600,) + (8000,) * 3,
    watched_ms_by_hour=(1e8,) * 20 + (1.08e9,) + (1e8,) * 3,
    types_by_hour=tuple({"heartbeat": 17_280, "pause": 2_160, "browse": 2_160} if h == 20 else {} for h in range(24)),
    record_bytes=205_600 * 290,
    key_bytes=205_600 * 16,
    daily_users=(1650,),
    sessions_by_close_lag={0: 100, 1: 500, 2: 300, 3: 100},
    playback_by_title={"t1": 5000, "t2": 3000, "t3": 2000},
    plays_by_pair={("US", "tv"): 600, ("DE", "mobile"): 300, ("BR", "web"): 100},
    users=300, seed=7, titles_in_catalog=10,
)
TEMPLATE = {"CheckpointIntervalMs": 60_000, "FlinkParallelismPerKpu": 1, "RawRetentionDays": 90,
            "DlqRetentionDays": 30, "LateRetentionDays": 30, "SessionGapMinutes": 30,
            "WatermarkOutOfOrdernessMs": 5000, "StreamRetentionHours": 24, "DedupGraceMs": 60_000,
            "AlignmentMaxDriftMs": 60_000, "FlinkMaxKpus": 8, "FlinkMaxKpusMaxValue": 64, "MaxParallelism": 512,
            "RedshiftBaseCapacity": 8, "GlueNumberOfWorkers": 2, "StreamWaitChecks": 16}
# A template of 5 alarms: 3 on one metric, one on a math expression over 2 metrics, one on an anomaly
# band of one metric (3 alarm metrics); 2 dashboards; 1 KMS key; 1 S3 request-metric filter; a
# compaction job of 1 DPU with a 120-minute time-out.
COUNTS = TemplateCounts(alarms=5, alarm_metrics=3 + 2 + 3, anomaly_bands=1, anomaly_detectors=1, dashboards=2,
                        log_groups=(("FlinkLogGroup", 30),), kms_keys=1, s3_metric_filters=1,
                        flink_log_retention_days=30, compaction_dpu=1.0, compaction_timeout_minutes=120)
TEST_PRICES = {name: Price(value, PRICES[name].unit, "2026-01-02", "test price") for name, value in {
    "kinesis_shard_hour": 0.02, "kinesis_put_million_units": 0.01, "kinesis_on_demand_stream_hour": 0.05,
    "kinesis_on_demand_gb_in": 0.1, "kinesis_on_demand_gb_out": 0.05, "flink_kpu_hour": 0.1,
    "flink_running_storage_gb_month": 0.1, "s3_standard_gb_month": 0.02, "s3_put_thousand": 0.005,
    "redshift_rms_gb_month": 0.03, "redshift_rpu_hour": 0.4, "glue_dpu_hour": 0.5,
    "kinesis_extended_retention_shard_hour": 0.03, "kinesis_efo_consumer_shard_hour": 0.02, "kinesis_efo_gb": 0.01,
    "s3_standard_next_450tb_gb_month": 0.019, "s3_standard_over_500tb_gb_month": 0.018, "athena_tb_scanned": 6.0,
    "cloudwatch_metric_month": 0.3, "cloudwatch_alarm_metric_month": 0.1, "cloudwatch_dashboard_month": 3.0,
    "cloudwatch_logs_gb_ingested": 0.5, "cloudwatch_logs_gb_month": 0.03, "cloudwatch_put_metric_thousand": 0.01,
    "kms_key_month": 1.0, "kms_10k_requests": 0.03}.items()}

N = 1_000_000


def plan_for(settings: Settings = Settings(concurrent_viewers=N), viewers: ViewerSample = VIEWERS,
             template: dict | None = None, bench=None):
    return build_plan(settings, viewers, bench or load_bench(FIXTURE), template or TEMPLATE, TEST_PRICES, COUNTS)
