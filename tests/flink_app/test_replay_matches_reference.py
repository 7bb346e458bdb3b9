"""The job's bounded replay against the independent reference of DESIGN §3-§5 (tests/reference)."""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from datetime import timedelta

import pytest

from streamwatch.local.local_kinesis import LocalKinesis
from streamwatch.analyses.play_start_metrics import play_starts_per_minute
from tests.conftest import bad_corpus
from tests.flink_app.scenarios import generate
from tests.reference.contract import evaluate, play_starts_1m

pytestmark = [pytest.mark.flink, pytest.mark.kinesis]


FROM_2099 = json.dumps({"event_id": "clock-2099", "event_type": "play", "event_ts": "2099-01-01T00:00:00.000Z",
                        "user_id": "user-clock", "device_id": "device-clock", "device_type": "tv", "country": "US",
                        "title_id": "title-000", "position_ms": 0, "schema_version": 1})


@pytest.fixture(scope="module")
def scenario():
    records = generate(seed=11, far_redeliveries=3)
    bad = bad_corpus() + [(FROM_2099, "event_ts in the future")]
    rng = random.Random(3)
    # Scatter the bad records through the second half of the stream: some carry a parseable
    # event_ts of 23:00 on the first day, which must not move the watermark (only valid events
    # do); and one record from a client whose clock says 2099 comes early: had it moved the
    # watermark, every later event would be late.
    for record, _ in bad[:-1]:
        records.insert(rng.randint(len(records) // 2, len(records)), record)
    records.insert(10, FROM_2099)
    return records, bad


@pytest.fixture(scope="module")
def outcome(scenario):
    return evaluate(scenario[0])


@pytest.fixture(scope="module")
def replayed(scenario, replay):
    """The replay's lake, and the PlayStarts metrics its job sent to a local CloudWatch (moto)."""
    import boto3


    expected_minutes = sorted({row["window_start"] for row in play_starts_1m(evaluate(scenario[0]))})
    with LocalKinesis() as moto:
        lake = replay(scenario[0], name="reference", metrics_enabled=True, metrics_endpoint=moto.endpoint,
                      metrics_region=moto.region, metrics_application="streamwatch-test")
        cloudwatch = boto3.client("cloudwatch", endpoint_url=moto.endpoint, region_name=moto.region,
                                  aws_access_key_id="testing", aws_secret_access_key="testing")
        start, end = expected_minutes[0] - timedelta(minutes=1), expected_minutes[-1] + timedelta(minutes=2)
        sent = {device_type: play_starts_per_minute(cloudwatch, "streamwatch-test", start, end, device_type)
                for device_type in (None, "tv", "mobile", "web")}
    return lake, sent


@pytest.fixture(scope="module")
def lake(replayed):
    return replayed[0]


def _comparable(rows, keys):
    return sorted(({k: row[k] for k in keys} for row in rows), key=lambda r: tuple(str(r[k]) for k in keys))


SESSION_KEYS = ["user_id", "device_id", "device_type", "country", "session_start", "session_end", "duration_ms",
                "event_count", "play_count", "titles_watched", "watch_time_ms", "dt", "hr"]
WINDOW_KEYS = ["window_start", "window_end", "title_id", "play_starts", "unique_viewers", "watch_time_ms", "dt", "hr"]


def test_scenario_exercises_the_edges(outcome):
    """Guard against a generator that silently stops producing the cases this file is about."""
    gaps = Counter()
    for session in outcome.sessions:
        gaps["multi-event"] += session["event_count"] > 1
    assert outcome.duplicates > 10 and outcome.late_redeliveries == 3 and len(outcome.late) == 6 + 3
    assert outcome.rejected == len(bad_corpus()) + 1
    assert len(outcome.sessions) > 40 and gaps["multi-event"] > 20
    assert any(s["watch_time_ms"] > 0 for s in outcome.sessions)


def test_sessions_match_reference(lake, outcome):
    got = lake.rows("processed/sessions")
    assert _comparable(got, SESSION_KEYS) == _comparable(outcome.sessions, SESSION_KEYS)


def test_session_ids_are_deterministic_and_unique(lake, outcome):
    got = {row["session_id"] for row in lake.rows("processed/sessions")}
    assert got == {s["session_id"] for s in outcome.sessions}
    assert len(got) == len(outcome.sessions)


def test_title_windows_match_reference(lake, outcome):
    got = lake.rows("processed/title_watch_5m")
    assert _comparable(got, WINDOW_KEYS) == _comparable(outcome.title_windows, WINDOW_KEYS)


def test_every_bad_record_is_in_the_dlq_with_its_reason(lake, scenario):
    dlq = {row["raw"]: row for row in lake.rows("dlq")}
    for record, expected in scenario[1]:
        assert record in dlq, f"not in the DLQ: {record[:80]}"
        assert dlq[record]["reason"].startswith(expected), (record[:80], dlq[record]["reason"])
        assert dlq[record]["received_at"] is not None
        assert dlq[record]["shard_id"] is None and dlq[record]["sequence_number"] is None  # a plain file
    assert len(dlq) == len(scenario[1])


def test_late_events_land_in_late_zone_only(lake, outcome):
    late = lake.rows("late")
    assert sorted(row["event_id"] for row in late) == sorted(e["event_id"] for e in outcome.late)
    assert all(row["received_at"] is not None and row["event_ts"] for row in late)
    late_users = {row["user_id"] for row in late if row["event_id"].startswith("late-")}  # not the redeliveries
    assert not [s for s in lake.rows("processed/sessions") if s["user_id"] in late_users]


def test_accounting_adds_up(lake, scenario, outcome):
    from streamwatch.analyses.summary import summarize

    summary = summarize(lake, records_in=len(scenario[0]))
    assert summary.duplicates == outcome.duplicates
    assert summary.dlq_rows == outcome.rejected
    assert summary.late_rows == len(outcome.late)
    assert summary.late_redeliveries == outcome.late_redeliveries
    assert summary.ontime_events == len(outcome.ontime)
    assert summary.adds_up


def test_raw_zone_keeps_valid_records_verbatim(lake, scenario):
    valid = Counter(r for r in scenario[0] if r not in {b for b, _ in scenario[1]})
    raw = lake.rows("raw")
    assert Counter(row["record"] for row in raw) == valid
    assert all(row["arrival"] is not None and row["shard_id"] is None and row["sequence_number"] is None for row in raw)


def test_replay_of_the_raw_zone_judges_each_record_by_its_stored_arrival(lake, tmp_path):
    """`streamwatch stream --source file --input <lake>/raw` (a directory of dt=/hr= partitions)
    is a backfill: the records are replayed in the order they arrived, each with its stored
    arrival. These came from a plain file (no shard), so their event_ts is their event time."""
    from click.testing import CliRunner

    from streamwatch.cli import main
    from streamwatch.analyses.lake import Lake

    rows = sorted(lake.rows("raw"), key=lambda row: (row["arrival"], row["record"]))
    expected = evaluate([row["record"] for row in rows], arrivals=[row["arrival"] for row in rows],
                        corrects_clock=False)
    result = CliRunner().invoke(main, ["stream", "--source", "file", "--input", str(lake.zone("raw")),
                                       "--lake", str(tmp_path / "backfill")])
    assert result.exit_code == 0, result.output
    backfill = Lake(tmp_path / "backfill")
    assert _comparable(backfill.rows("processed/sessions"), SESSION_KEYS) == _comparable(expected.sessions, SESSION_KEYS)
    assert _comparable(backfill.rows("processed/title_watch_5m"), WINDOW_KEYS) == _comparable(expected.title_windows, WINDOW_KEYS)
    assert len(backfill.rows("late")) == len(expected.late) and backfill.rows("dlq") == []
    arrivals = Counter((row["record"], row["arrival"]) for row in lake.rows("raw"))
    assert Counter((row["record"], row["arrival"]) for row in backfill.rows("raw")) == arrivals


PLAY_START_KEYS = ["window_start", "window_end", "country", "device_type", "play_starts", "dt", "hr"]


def test_play_starts_1m_match_the_reference(lake, outcome):
    expected = play_starts_1m(outcome)
    assert expected and _comparable(lake.rows("processed/play_starts_1m"), PLAY_START_KEYS) == \
        _comparable(expected, PLAY_START_KEYS)


def test_cloudwatch_has_the_play_starts_total_and_by_device_type_per_minute(replayed, outcome):
    _, sent = replayed
    total: Counter = Counter()
    by_device: dict[str, Counter] = defaultdict(Counter)
    for row in play_starts_1m(outcome):
        total[row["window_start"]] += row["play_starts"]
        by_device[row["device_type"]][row["window_start"]] += row["play_starts"]
    assert sent[None] == {minute: float(n) for minute, n in total.items()}
    for device_type in ("tv", "mobile", "web"):
        assert sent[device_type] == {minute: float(n) for minute, n in by_device[device_type].items()}
