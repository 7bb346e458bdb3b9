"""Prices with dates and sources, replaceable from a file; the template's defaults read from the template."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from streamwatch.analyses.capacity.sources import LIMITS, PRICES, TEMPLATE, SourcesError, load_prices, template_defaults


def test_every_price_and_limit_names_its_source_and_every_price_its_date():
    for name, price in PRICES.items():
        assert price.value > 0 and price.source and price.unit.startswith("$"), name
        assert date.fromisoformat(price.as_of) <= date.today(), name  # read, not expected
    for name, cited in LIMITS.items():
        assert cited.value > 0 and cited.source, name


def test_the_kpu_figures_cite_the_managed_flink_pages():
    """64 KPUs per application by default (not 256, the Parallelism property's stated maximum), and
    50 GB of running application storage per KPU: both from the scaling and resources pages."""
    assert LIMITS["flink_kpu_quota"].value == 64 and "how-scaling.html" in LIMITS["flink_kpu_quota"].source
    storage = LIMITS["flink_kpu_storage_gb"]
    assert storage.value == 50 and "how-scaling.html" in storage.source and "how-resources.html" in storage.source


def test_a_prices_file_replaces_the_prices_it_names(tmp_path):
    path = tmp_path / "prices.json"
    path.write_text(json.dumps({"flink_kpu_hour": {"value": 0.13, "as_of": "2026-12-01",
                                                    "source": "eu-west-1 price list"}}))
    prices = load_prices(path)
    assert prices["flink_kpu_hour"].value == 0.13
    assert prices["flink_kpu_hour"].as_of == "2026-12-01" and prices["flink_kpu_hour"].source == "eu-west-1 price list"
    assert prices["flink_kpu_hour"].unit == PRICES["flink_kpu_hour"].unit
    assert prices["kinesis_shard_hour"] == PRICES["kinesis_shard_hour"]
    assert load_prices(None) == PRICES


@pytest.mark.parametrize("content, message", [
    ({"kpu_hour": {"value": 1, "as_of": "2026-12-01", "source": "x"}}, "unknown price 'kpu_hour'"),
    ({"flink_kpu_hour": {"value": 1}}, "needs value, as_of"),
    ({"flink_kpu_hour": {"value": "cheap", "as_of": "2026-12-01", "source": "x"}}, "not a number"),
    ([1, 2], "JSON object"),
])
def test_a_bad_prices_file_says_what_to_fix(tmp_path, content, message):
    path = tmp_path / "prices.json"
    path.write_text(json.dumps(content))
    with pytest.raises(SourcesError, match=message):
        load_prices(path)


def test_the_template_defaults_are_the_template_s():
    text = TEMPLATE.read_text(encoding="utf-8")

    def default(parameter: str) -> float:
        match = re.search(rf"^  {parameter}:\n(?:    .*\n)*?    Default: \"?([0-9]+)\"?$", text, flags=re.M)
        assert match, parameter
        return float(match.group(1))

    defaults = template_defaults()
    for parameter in ("CheckpointIntervalMs", "FlinkParallelismPerKpu", "RawRetentionDays", "DlqRetentionDays",
                      "LateRetentionDays"):
        assert defaults[parameter] == default(parameter)
    grace = re.search(r"dedup\.grace\.ms: \"([0-9]+)\"", text)
    assert grace and defaults["DedupGraceMs"] == float(grace.group(1))
    drift = re.search(r"source\.alignment\.max-drift\.ms: \"([0-9]+)\"", text)
    assert drift and defaults["AlignmentMaxDriftMs"] == float(drift.group(1))
    assert defaults["WatermarkOutOfOrdernessMs"] == default("WatermarkOutOfOrdernessMs")


def test_an_unreadable_template_is_reported(tmp_path):
    broken = tmp_path / "template.yaml"
    broken.write_text("Parameters: {}\n")
    with pytest.raises(SourcesError, match="parameter defaults"):
        template_defaults(broken)
