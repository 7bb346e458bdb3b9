"""Configuration: Managed Flink property groups parsed once, every mistake named precisely."""

from __future__ import annotations

import json

import pytest

from flink_app.config import LOCAL_PROPERTIES, ConfigError, load_config, parse_property_groups


def groups(**overrides):
    document = json.loads(LOCAL_PROPERTIES.read_text())
    for group in document:
        group["PropertyMap"].update(overrides.get(group["PropertyGroupId"], {}))
    return document


def test_committed_local_copy_is_valid():
    config = load_config(LOCAL_PROPERTIES)
    assert config.source.type == "kinesis"
    assert config.source.stream_name == "streamwatch-events"
    assert config.watermark_out_of_orderness_ms == 5000 and config.session_gap_minutes == 30


def test_config_is_frozen():
    config = load_config(LOCAL_PROPERTIES)
    with pytest.raises(AttributeError):
        config.lake_root = "elsewhere"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"source": {"type": "kafka"}}, "key 'type' in property group 'source' must be one of kinesis, file"),
        ({"source": {"stream.arn": "streamwatch-events"}}, "key 'stream.arn' in property group 'source' must be a Kinesis stream ARN"),
        ({"source": {"aws.region": ""}}, "missing key 'aws.region' in property group 'source'"),
        ({"source": {"initial.position": "EARLIEST"}}, "key 'initial.position' in property group 'source' must be one of"),
        ({"source": {"initial.position": "AT_TIMESTAMP"}},
         "key 'initial.timestamp' in property group 'source' is required with initial.position AT_TIMESTAMP"),
        ({"source": {"initial.timestamp": "2026-03-09T18:30:00Z"}},
         "key 'initial.timestamp' in property group 'source' is required with initial.position AT_TIMESTAMP and only with it"),
        ({"source": {"initial.position": "AT_TIMESTAMP", "initial.timestamp": "2026-03-09 18:30"}},
         "key 'initial.timestamp' in property group 'source' must be an ISO-8601 instant with its zone"),
        ({"source": {"initial.position": "AT_TIMESTAMP", "initial.timestamp": "yesterday"}},
         "key 'initial.timestamp' in property group 'source' must be an ISO-8601 instant with its zone"),
        ({"source": {"type": "file"}}, "key 'input.path' in property group 'source' is required when type is 'file'"),
        ({"source": {"stream.name": "x"}}, "unknown key 'stream.name' in property group 'source'"),
        ({"lake": {"root": " "}}, "missing key 'root' in property group 'lake'"),
        ({"lake": {"compaction.file-size.mb": "128mb"}},
         "key 'compaction.file-size.mb' in property group 'lake' must be an integer, got '128mb'"),
        ({"lake": {"compaction.file-size.mb": "-1"}},
         "key 'compaction.file-size.mb' in property group 'lake' must be >= 0 (0: no compaction)"),
        ({"processing": {"watermark.out-of-orderness.ms": "5s"}}, "key 'watermark.out-of-orderness.ms' in property group 'processing' must be an integer, got '5s'"),
        ({"processing": {"session.gap.minutes": "0"}}, "key 'session.gap.minutes' in property group 'processing' must be >= 1, got 0"),
        ({"processing": {"checkpoint.interval.ms": "10"}}, "key 'checkpoint.interval.ms' in property group 'processing' must be >= 100"),
        ({"processing": {"parallelism": "0"}}, "key 'parallelism' in property group 'processing' must be >= 1"),
        ({"processing": {"parallelism": "8", "max-parallelism": "4"}},
         "key 'parallelism' in property group 'processing' (8) must not exceed 'max-parallelism' (4)"),
        ({"processing": {"max-parallelism": "65536"}}, "key 'max-parallelism' in property group 'processing' must be <= 32768"),
        ({"processing": {"dedup.grace.ms": "-1"}}, "key 'dedup.grace.ms' in property group 'processing' must be >= 0"),
        ({"processing": {"source.alignment.max-drift.ms": "-5"}}, "key 'source.alignment.max-drift.ms' in property group 'processing' must be >= 0"),
        ({"processing": {"dedup.state-ttl.ms": "3600000"}}, "unknown key 'dedup.state-ttl.ms' in property group 'processing'"),
        ({"source": {"replay.format": "csv"}}, "key 'replay.format' in property group 'source' must be one of jsonl, raw-zone"),
        ({"processing": {"source.alignment.max-drift.ms": "20000"}},
         "key 'source.alignment.max-drift.ms' in property group 'processing' (20000) must exceed 'source.idle-timeout.ms' (30000)"),
    ],
)
def test_wrong_values_name_the_key(overrides, message):
    with pytest.raises(ConfigError) as error:
        parse_property_groups(groups(**overrides), origin="props.json")
    assert message in str(error.value)
    assert str(error.value).startswith("props.json: ")


def test_missing_group_is_named():
    document = [g for g in groups() if g["PropertyGroupId"] != "lake"]
    with pytest.raises(ConfigError, match="missing property group 'lake'"):
        parse_property_groups(document)


def test_unreadable_files_are_reported(tmp_path):
    with pytest.raises(ConfigError, match="properties file not found"):
        load_config(tmp_path / "absent.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(ConfigError, match="not valid JSON"):
        load_config(broken)
    (tmp_path / "object.json").write_text("{}")
    with pytest.raises(ConfigError, match="expected a JSON list of property groups"):
        load_config(tmp_path / "object.json")


def test_overrides_are_validated_again():
    config = load_config(LOCAL_PROPERTIES)
    assert config.with_overrides(source_type="file", source_input_path="x.jsonl").source.input_path == "x.jsonl"
    with pytest.raises(ConfigError, match="input.path"):
        config.with_overrides(source_type="file")


def test_stream_command_reports_config_errors(tmp_path):
    from click.testing import CliRunner

    from streamwatch.cli import main

    bad = tmp_path / "props.json"
    bad.write_text(json.dumps(groups(processing={"watch.cap.ms": "lots"})))
    result = CliRunner().invoke(main, ["stream", "--source", "file", "--input", str(bad), "--properties", str(bad)])
    assert result.exit_code == 1
    assert "key 'watch.cap.ms' in property group 'processing' must be an integer" in result.output


def test_consumer_keys_of_the_source_group_go_to_the_connector_as_they_are():
    from flink_app.job import source_options

    config = parse_property_groups(groups(source={"consumer.flink.shard.getrecords.maxrecordcount": "100"}))
    assert config.source.consumer_properties == (("flink.shard.getrecords.maxrecordcount", "100"),)
    assert source_options(config)["kinesis.flink.shard.getrecords.maxrecordcount"] == "100"
    with pytest.raises(ConfigError, match="unknown key 'consumer.' in property group 'source'"):
        parse_property_groups(groups(source={"consumer.": "x"}))


def test_at_timestamp_starts_the_connector_at_the_instant_in_epoch_seconds():
    from flink_app.job import source_options

    config = parse_property_groups(groups(source={"initial.position": "AT_TIMESTAMP",
                                                  "initial.timestamp": "2026-03-09T19:30:00.250+01:00"}))
    assert config.source.initial_timestamp.isoformat() == "2026-03-09T18:30:00.250000+00:00"
    options = source_options(config)
    assert options["kinesis.flink.stream.initpos"] == "AT_TIMESTAMP"
    # the text the connector's own test (InitialTimestampTest.java) accepts as 2026-03-09T18:30:00.250Z
    assert options["kinesis.flink.stream.initpos.timestamp"] == "1773081000.250"
    assert "kinesis.flink.stream.initpos.timestamp" not in source_options(parse_property_groups(groups()))
