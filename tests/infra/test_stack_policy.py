"""infra/stackpolicy: the stack policy `streamwatch deploy` sets after every create or update, and the
one it sets only while an --allow-replace update runs."""

from __future__ import annotations

import json
from pathlib import Path

from streamwatch.aws.deploy import STATEFUL_TYPES

POLICIES = Path(__file__).resolve().parents[2] / "infra" / "stackpolicy"


def _allowed(policy: dict, action: str, logical_id: str) -> bool:
    """CloudFormation's reading of a stack policy: an explicit Deny wins, else an Allow is needed."""
    def matches(statement):
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        action_ok = any(a == action or a == "Update:*" for a in actions)
        return action_ok and any(r == "*" or r == f"LogicalResourceId/{logical_id}" for r in resources)

    matching = [s for s in policy["Statement"] if matches(s)]
    return bool(matching) and all(s["Effect"] == "Allow" for s in matching)


def test_the_policy_denies_replacing_or_deleting_exactly_the_stateful_resources(template):
    policy = json.loads((POLICIES / "streamwatch.json").read_text())
    stateful = {name for name, resource in template["Resources"].items() if resource["Type"] in STATEFUL_TYPES}
    assert stateful >= {"EventStream", "LakeBucket", "RedshiftNamespace", "FlinkApplication"}
    for name in template["Resources"]:
        for action in ("Update:Replace", "Update:Delete"):
            assert _allowed(policy, action, name) is (name not in stateful), (action, name)
        assert _allowed(policy, "Update:Modify", name), name  # in-place updates stay possible


def test_the_policy_during_an_allowed_replacement_allows_everything(template):
    policy = json.loads((POLICIES / "during_replacement.json").read_text())
    for name in template["Resources"]:
        assert all(_allowed(policy, action, name) for action in ("Update:Modify", "Update:Replace", "Update:Delete"))
