from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime, timezone

import pytest
from botocore.exceptions import ClientError
from click.testing import CliRunner

from streamwatch.cli import main
from streamwatch.local.local_kinesis import LocalKinesis

START = "2026-02-10T18:00:00Z"


def run(*args):
    return CliRunner().invoke(main, ["produce", *args], catch_exceptions=False)


def test_out_writes_n_lines_and_the_catalog_beside_them(tmp_path):
    out = tmp_path / "events.jsonl"
    result = run("--events", "3000", "--seed", "5", "--out", str(out), "--start", START)
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3000
    events = [json.loads(line) for line in lines]
    assert all(isinstance(e, dict) and e["schema_version"] == 1 for e in events)
    assert events[0]["event_ts"] == "2026-02-10T18:00:00.000Z"
    catalog = (tmp_path / "events.dim_title.jsonl").read_text(encoding="utf-8").splitlines()
    columns = {"title_id", "name", "kind", "genre", "release_year", "runtime_ms"}
    assert catalog and set(json.loads(catalog[0])) == columns
    assert "sent" in result.output and "3,000" in result.output


def test_out_with_faults_reports_what_was_injected(tmp_path):
    out = tmp_path / "faulty.jsonl"
    catalog = tmp_path / "cat" / "titles.jsonl"
    result = run(
        "--events", "2000", "--out", str(out), "--catalog-out", str(catalog), "--start", START,
        "--duplicates", "0.05", "--malformed", "0.05", "--late", "0.02", "--out-of-order-ms", "2000",
    )
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    injected = {
        name: int(re.search(rf"{name} injected\W+([\d,]+)", result.output).group(1).replace(",", ""))
        for name in ("duplicates", "late", "malformed")
    }
    assert len(lines) == 2000 + sum(injected.values())
    assert all(injected.values())
    ids = Counter(json.loads(line).get("event_id") for line in lines if _is_object(line))
    assert sum(n - 1 for n in ids.values() if n > 1) == injected["duplicates"]
    assert catalog.exists()
    # every event is stamped as it is written; a malformed record goes out as it was made, unstamped
    stamped = [json.loads(line)["sent_at"] for line in lines if _is_object(line) and "sent_at" in json.loads(line)]
    assert len(stamped) == len(lines) - injected["malformed"]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", ts) for ts in stamped)


def _unstamped(line: str) -> str:
    """The record without the ``sent_at`` its sink stamped on it, for comparing two sends."""
    event = json.loads(line)
    event.pop("sent_at")
    return json.dumps(event, sort_keys=True)


def _is_object(line):
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


def test_outage_drops_plays_of_the_country_in_its_window_and_says_so(tmp_path):
    out = tmp_path / "outage.jsonl"
    result = run("--events", "20000", "--users", "6000", "--seed", "5", "--out", str(out), "--start", START,
                 "--outage", "US:15@2026-02-10T18:20Z")
    assert result.exit_code == 0, result.output
    assert re.search(r"outage\W+US: 90% of play starts, 15 min", result.output)
    assert re.search(r"from \(event time\)\W+2026-02-10T18:20:00Z", result.output)
    assert re.search(r"until\W+2026-02-10T18:35:00Z", result.output)
    dropped = int(re.search(r"play events dropped \(not sent\)\W+([\d,]+)", result.output).group(1).replace(",", ""))
    lines = out.read_text(encoding="utf-8").splitlines()
    assert dropped > 20 and len(lines) == 20000 - dropped
    assert re.search(rf"records emitted\W+{len(lines):,}", result.output)
    events = [json.loads(line) for line in lines]

    def us_plays(begin: str, end: str) -> int:
        lower, upper = datetime.fromisoformat(begin), datetime.fromisoformat(end)
        return sum(1 for e in events if e["event_type"] == "play" and e["country"] == "US"
                   and lower <= datetime.fromisoformat(e["event_ts"]) < upper)

    inside = us_plays("2026-02-10T18:20Z", "2026-02-10T18:35Z")
    before = us_plays("2026-02-10T18:05Z", "2026-02-10T18:20Z")
    assert before >= 40 and inside < 0.3 * before, (before, inside)


def test_default_start_is_recent(tmp_path):
    out = tmp_path / "recent.jsonl"
    assert run("--events", "200", "--out", str(out)).exit_code == 0
    first = datetime.fromisoformat(json.loads(out.read_text().splitlines()[0])["event_ts"])
    age = datetime.now(timezone.utc) - first
    assert 0 < age.total_seconds() < 6 * 3600


def _row(output: str, name: str) -> str:
    return re.search(rf"{re.escape(name)}\W+(.+?)\s*│", output).group(1)


def test_clock_skew_shifts_the_devices_it_picks_and_reports_their_records(tmp_path):
    base = ["--events", "3000", "--users", "300", "--seed", "5", "--start", START, "--duplicates", "0.02"]
    plain, skewed = tmp_path / "plain.jsonl", tmp_path / "skewed.jsonl"
    assert run(*base, "--out", str(plain)).exit_code == 0
    result = run(*base, "--out", str(skewed), "--clock-skew", "0.2:+10", "--clock-skew", "0.1:-2.5")
    assert result.exit_code == 0, result.output
    assert _row(result.output, "skewed device clocks") == "20% +10 min, 10% -2.5 min"
    shifts = Counter()
    for before, after in zip(plain.read_text().splitlines(), skewed.read_text().splitlines(), strict=True):
        a, b = json.loads(before), json.loads(after)
        assert a["event_id"] == b["event_id"]  # the same records in the same order
        shifts[(datetime.fromisoformat(b["event_ts"]) - datetime.fromisoformat(a["event_ts"])).total_seconds()] += 1
    assert set(shifts) == {0, 600, -150}
    assert int(_row(result.output, "from fast device clocks").replace(",", "")) == shifts[600]
    assert int(_row(result.output, "from slow device clocks").replace(",", "")) == shifts[-150]
    assert "skewed device clocks" not in run(*base, "--out", str(plain)).output  # off: not mentioned


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "exactly one destination"),
        (["--stream", "s", "--out", "x.jsonl"], "exactly one destination"),
        (["--out", "x.jsonl", "--endpoint", "http://127.0.0.1:1"], "--endpoint applies to --stream only"),
        (["--out", "x.jsonl", "--rate", "10"], "--rate applies to --stream only"),
        (["--out", "x.jsonl", "--start", "yesterday"], "not an ISO-8601 time"),
        (["--out", "x.jsonl", "--duplicates", "2"], "--duplicates"),
        (["--out", "x.jsonl", "--late", "0.1", "--late-by-ms", "100", "--out-of-order-ms", "2000"], "late_by_ms"),
        (["--out", "x.jsonl", "--outage", "US"], "is not COUNTRY:MINUTES (e.g. US:20)"),
        (["--out", "x.jsonl", "--outage", "US:20@noon"], "not an ISO-8601 time"),
        (["--out", "x.jsonl", "--clock-skew", "3%:+10"], "is not SHARE:MINUTES, e.g. 0.03:+10"),
        (["--out", "x.jsonl", "--clock-skew", "0.03"], "is not SHARE:MINUTES"),
        (["--out", "x.jsonl", "--clock-skew", "1.2:+10"], "between 0 and 1"),
        (["--out", "x.jsonl", "--clock-skew", "0.1:0"], "give minutes such as +10 or -4"),
        (["--out", "x.jsonl", "--clock-skew", "0.7:+10", "--clock-skew", "0.4:-4"], "add up to 1.1"),
    ],
)
def test_usage_errors_name_what_to_fix(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = run("--events", "10", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "x.jsonl").exists()


class RefusingKinesis:
    """Every entry fails, every time."""

    def __init__(self):
        self.calls = 0

    def put_records(self, *, Records, StreamName):
        self.calls += 1
        return {
            "FailedRecordCount": len(Records),
            "Records": [{"ErrorCode": "ProvisionedThroughputExceededException", "ErrorMessage": "no"} for _ in Records],
        }


def test_stream_exits_non_zero_saying_how_many_records_were_not_delivered(tmp_path, monkeypatch):
    fake = RefusingKinesis()
    monkeypatch.setattr("producer.kinesis_writer.make_client", lambda region, endpoint=None: fake)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        main, ["produce", "--events", "600", "--stream", "events", "--record-ttl", "0.5", "--start", START]
    )
    assert result.exit_code == 1
    assert "600 of 600 records were not delivered to stream events" in result.output
    assert "within 0.5 s of retries each" in result.output
    assert fake.calls >= 4  # every record tried more than once before its half second ran out
    assert (tmp_path / "lake" / "reference" / "dim_title.jsonl").exists()


def test_stream_missing_is_a_clear_error(tmp_path, monkeypatch):
    class Missing:
        def put_records(self, **kwargs):
            error = {"Error": {"Code": "ResourceNotFoundException", "Message": "Stream nope not found"}}
            raise ClientError(error, "PutRecords")

    monkeypatch.setattr("producer.kinesis_writer.make_client", lambda region, endpoint=None: Missing())
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["produce", "--events", "5", "--stream", "nope", "--start", START])
    assert result.exit_code == 1
    assert "writing to stream nope" in result.output and "ResourceNotFoundException" in result.output


@pytest.mark.kinesis
def test_stream_delivers_n_records_to_local_kinesis(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    expected_file = tmp_path / "expected.jsonl"
    assert run("--events", "1500", "--seed", "3", "--out", str(expected_file), "--start", START).exit_code == 0
    with LocalKinesis(stream_name="produce-test", shards=2) as kinesis:
        result = run(
            "--events", "1500", "--seed", "3", "--start", START, "--stream", "produce-test",
            "--endpoint", kinesis.endpoint, "--region", kinesis.region,
        )
        assert result.exit_code == 0, result.output
        client = kinesis.client()
        received = []
        for shard in client.list_shards(StreamName="produce-test")["Shards"]:
            iterator = client.get_shard_iterator(
                StreamName="produce-test", ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
            while True:
                response = client.get_records(ShardIterator=iterator, Limit=10_000)
                if not response["Records"]:
                    break
                for record in response["Records"]:
                    event = json.loads(record["Data"])
                    assert record["PartitionKey"] == event["user_id"]
                    assert "sent_at" in event  # stamped when sent: it differs from the file's
                    received.append(record["Data"].decode())
                iterator = response["NextShardIterator"]
    assert len(received) == 1500
    expected = expected_file.read_text(encoding="utf-8").splitlines()
    assert Counter(map(_unstamped, received)) == Counter(map(_unstamped, expected))
    assert (tmp_path / "lake" / "reference" / "dim_title.jsonl").exists()


def test_help_has_an_example():
    result = CliRunner().invoke(main, ["produce", "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output and "streamwatch produce --events" in result.output
    assert "--clock-skew 0.03:+10 --clock-skew 0.03:-4" in result.output
