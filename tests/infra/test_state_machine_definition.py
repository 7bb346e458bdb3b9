"""infra/statemachine/daily_batch.asl.json: structure, transitions, error handling, names, and its
wiring into the template (DefinitionSubstitutions, DefinitionS3Location, the role's permissions)."""

from __future__ import annotations

import json
import re

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from streamwatch.aws import packaging
from streamwatch.aws.deploy import DeployError, definition_placeholders, substitute_definition

ALERT = "Send the failure alert"
DAY_FAILED = "The day could not be processed"
TERMINAL = {"Succeed", "Fail"}


def _children(state):
    """The sub-workflows of a state: a Parallel's branches, a Map's item processor."""
    yield from state.get("Branches", [])
    if "ItemProcessor" in state:
        yield state["ItemProcessor"]


def scopes(definition, path="top"):
    """(name of the scope, its States) for the top level and every branch or Map processor, recursively."""
    yield path, definition["States"]
    for name, state in definition["States"].items():
        for index, child in enumerate(_children(state)):
            yield from scopes(child, f"{name}[{index}]")


def targets(state):
    found = [state.get("Next"), state.get("Default")]
    found += [choice.get("Next") for choice in state.get("Choices", [])]
    found += [catch["Next"] for catch in state.get("Catch", [])]
    return [t for t in found if t]


def test_every_transition_resolves_and_every_state_is_reachable(asl):
    for scope, states in scopes(asl):
        start = asl["StartAt"] if scope == "top" else next(b for b in _all_children(asl) if b["States"] is states)["StartAt"]
        assert start in states, scope
        seen, pending = set(), [start]
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            state = states[name]
            for target in targets(state):
                assert target in states, f"{scope}: {name} -> {target} does not exist"
                pending.append(target)
            if state["Type"] not in TERMINAL and state["Type"] != "Choice":
                assert ("Next" in state) != bool(state.get("End")), f"{scope}: {name} needs exactly one of Next/End"
        assert seen == set(states), f"{scope}: unreachable {sorted(set(states) - seen)}"


def _all_children(definition):
    for state in definition["States"].values():
        for child in _children(state):
            yield child
            yield from _all_children(child)


def _branches(definition):
    """Every Parallel branch, wherever it is."""
    for state in definition["States"].values():
        for branch in state.get("Branches", []):
            yield branch
        for child in _children(state):
            yield from _branches(child)


def _map_processor(asl):
    [processor] = [s["ItemProcessor"] for s in asl["States"].values() if s["Type"] == "Map"]
    return processor


def _leads_to(states, name, goal, limit=4):
    """Following Next through Pass states, does ``name`` reach ``goal`` (a state name or a type)?"""
    for _ in range(limit):
        state = states[name]
        if name == goal or state["Type"] == goal:
            return True
        if state["Type"] not in ("Pass", "Task") or "Next" not in state:
            return False
        name = state["Next"]
    return False


def test_every_task_retries_and_catches_into_the_alert(asl):
    tasks = 0
    for scope, states in scopes(asl):
        for name, state in states.items():
            if state["Type"] != "Task":
                continue
            tasks += 1
            assert state.get("Retry"), f"{name} has no Retry"
            for retrier in state["Retry"]:
                assert retrier["MaxAttempts"] >= 1 and retrier["ErrorEquals"], name
            catches = state.get("Catch", [])
            assert any("States.ALL" in c["ErrorEquals"] for c in catches), f"{name} does not catch States.ALL"
            for catch in catches:
                if name == ALERT:  # publishing the alert failed: nothing left to do but fail
                    assert states[catch["Next"]]["Type"] == "Fail"
                elif scope == "top":
                    assert _leads_to(states, catch["Next"], ALERT), f"{name}: a failure does not reach the alert"
                elif scope.startswith("Process each day[") and "][" not in scope.replace("Process each day[", "", 1):
                    # in the day's processor: note the failure, fail the day; the Map's Catch alerts
                    assert _leads_to(states, catch["Next"], DAY_FAILED), name
                else:  # in a Parallel branch: fail the branch; the Parallel's Catch notes it
                    assert states[catch["Next"]]["Type"] == "Fail", name
    assert tasks >= 11
    for _, states in scopes(asl):
        for name, state in states.items():
            if state["Type"] in ("Parallel", "Map"):
                goal = ALERT if states is asl["States"] else DAY_FAILED
                assert any("States.ALL" in c["ErrorEquals"] and _leads_to(states, c["Next"], goal, limit=5)
                           for c in state["Catch"]), name
    assert _leads_to(asl["States"], ALERT, "Fail")


def test_every_failure_note_says_what_failed_for_which_day_in_which_execution(asl):
    processor = _map_processor(asl)["States"]
    notes = [s for s in asl["States"].values() if s["Type"] == "Pass" and s["Next"] == ALERT]
    notes += [s for s in processor.values() if s["Type"] == "Pass" and s.get("Next") and "failed_step" in str(
        s.get("Parameters")) and _leads_to(processor, s["Next"], DAY_FAILED)]
    assert len(notes) >= 8
    every_state = {name for _, states in scopes(asl) for name in states}
    for note in notes:
        params = note["Parameters"]
        assert "failed_step" in params or "failed_step.$" in params
        assert "dt" in params or "dt.$" in params
        assert params["execution.$"] == "$$.Execution.Id"
        assert params["error.$"] in ("$.error", "$.failure.day.error")
        if "failed_step" in params:  # a literal step name must be a real state
            assert params["failed_step"] in every_state
    # a failed day travels to the top as JSON in its Fail state's Cause, named by its Error
    fail = processor[DAY_FAILED]
    assert fail["ErrorPath"] == "$.failed_step" and fail["CausePath"] == "States.JsonToString($)"
    alert = asl["States"][ALERT]
    assert alert["Resource"] == "arn:aws:states:::sns:publish"
    assert alert["Parameters"]["TopicArn"] == "${AlertTopicArn}"
    assert alert["Parameters"]["Message.$"] == "States.JsonToString($)"


def test_branch_failures_name_their_step(asl):
    for branch in _branches(asl):
        [task] = [n for n, s in branch["States"].items() if s["Type"] == "Task"]
        [fail] = [s for s in branch["States"].values() if s["Type"] == "Fail"]
        assert fail["Error"] == task  # becomes failed_step of the alert


def test_states_are_named_as_sentences(asl):
    for _, states in scopes(asl):
        for name in states:
            assert re.fullmatch(r"[A-Z][a-z]*( [a-z0-9']+)+\??", name.replace("Redshift", "redshift")), name
            assert len(name) <= 60, name  # SNS subjects carry it


def test_glue_tasks_wait_for_their_run_pass_the_dt_and_retry_a_failed_run(asl, template):
    glue = [s for b in _branches(asl) for s in b["States"].values() if s["Type"] == "Task"]
    assert len(glue) == len(packaging.GLUE_JOBS)
    for task in glue:
        assert task["Resource"] == "arn:aws:states:::glue:startJobRun.sync"
        assert task["Parameters"]["Arguments"] == {"--dt.$": "$.dt"}
        # a .sync task only sees the run it started, so the workflow (not Glue) retries a failed run
        assert any(r["ErrorEquals"] == ["States.TaskFailed"] and r["MaxAttempts"] >= 1 for r in task["Retry"])
    jobs = [r for r in template["Resources"].values() if r["Type"] == "AWS::Glue::Job"]
    assert all(j["Properties"]["MaxRetries"] == 0 for j in jobs)
    assert len([j for j in jobs if j["Properties"]["Command"]["Name"] == "glueetl"]) == len(packaging.GLUE_JOBS)


def test_the_day_is_compacted_between_taking_the_lock_and_building(asl, template):
    states = _map_processor(asl)["States"]
    assert states["Take the lock on the day"]["Next"] == "Compact the day's files"
    compaction = states["Compact the day's files"]
    assert compaction["Next"] == "Build the curated tables for the day"
    assert compaction["Resource"] == "arn:aws:states:::glue:startJobRun.sync"
    assert compaction["Parameters"] == {"JobName": "${CompactionJobName}", "Arguments": {"--dt.$": "$.dt"}}
    assert compaction["ResultPath"] is None  # the day's item goes on unchanged
    assert any(r["ErrorEquals"] == ["States.TaskFailed"] and r["MaxAttempts"] >= 1 for r in compaction["Retry"])
    [catch] = compaction["Catch"]
    note = states[catch["Next"]]
    assert note["Parameters"]["failed_step"] == "Compact the day's files"
    assert note["Next"] == "Release the lock after the failure"
    [job] = [r for r in template["Resources"].values()
             if r["Type"] == "AWS::Glue::Job" and r["Properties"]["Command"]["Name"] == "pythonshell"]
    assert job["Properties"]["Command"]["ScriptLocation"]["Fn::Sub"].endswith("/glue/shell_jobs/compact_day.py")


def test_days_are_processed_one_at_a_time_after_the_stream_has_finished_them(asl):
    states = asl["States"]
    [(name, day_map)] = [(n, s) for n, s in states.items() if s["Type"] == "Map"]
    assert day_map["MaxConcurrency"] == 1 and day_map["ItemsPath"] == "$.days"
    assert day_map["ItemSelector"] == {"dt.$": "$$.Map.Item.Value"}
    # the only way into the Map is the stream check's Choice saying the days are complete
    into = [n for n, s in states.items() if name in targets(s)]
    assert into == ["Has the stream finished the days?"]
    choice = states["Has the stream finished the days?"]
    assert choice["Choices"] == [{"Variable": "$.stream.complete", "BooleanEquals": True, "Next": name}]
    wait = states[choice["Default"]]
    assert wait["Type"] == "Wait" and wait["Next"] == "Check whether the stream has finished the days"
    # in each day: take its lock, build, then check quality, and only then load; release the lock
    processor = day_map["ItemProcessor"]["States"]
    assert day_map["ItemProcessor"]["StartAt"] == "Take the lock on the day"
    order = ["Take the lock on the day", "Build the curated tables for the day", "Check the quality of the day's data",
             "Prepare the warehouse load for the day", "Load the day into Redshift", "Release the lock on the day"]
    reached = _path_without_failures(processor, day_map["ItemProcessor"]["StartAt"], answers={
        "Has the load finished?": "FINISHED", "Was that only the schema update?": False})
    assert [n for n in reached if n in order] == order


def _path_without_failures(states, start, answers=None):
    """States visited from ``start`` following Next, not Catch; a Choice named in ``answers`` takes
    the choice whose StringEquals/BooleanEquals is that answer, others their Default."""
    seen, name = [], start
    while name and name not in seen:
        seen.append(name)
        state = states[name]
        if state["Type"] == "Choice" and name in (answers or {}):
            wanted = answers[name]
            name = next((c["Next"] for c in state["Choices"]
                         if c.get("StringEquals", c.get("BooleanEquals")) == wanted), state.get("Default"))
            continue
        name = state.get("Next") or state.get("Default")
    return seen


def test_the_day_lock_is_released_on_every_way_out_of_a_day_but_a_lock_held_elsewhere(asl):
    """Two executions never build one day; a failed day does not keep its lock."""
    processor = _map_processor(asl)["States"]
    take = processor["Take the lock on the day"]
    assert take["Parameters"]["Payload"] == {"action": "take", "dt.$": "$.dt", "execution.$": "$$.Execution.Id"}
    waits = [r for r in take["Retry"] if r["ErrorEquals"] == ["DayLocked"]]
    assert waits and waits[0]["IntervalSeconds"] * waits[0]["MaxAttempts"] >= 3600  # waits about an hour, then fails
    [held_elsewhere] = [c["Next"] for c in take["Catch"]]
    assert processor[held_elsewhere]["Next"] == DAY_FAILED  # not released: not this execution's lock
    release = "Release the lock after the failure"
    for name, state in processor.items():
        if state["Type"] == "Pass" and "failed_step" in str(state.get("Parameters")) and name != held_elsewhere:
            assert state["Next"] == release or name == "Note that releasing the lock failed", name
    assert processor[release]["ResultPath"] is None and processor[release]["Next"] == DAY_FAILED
    assert processor[release]["Parameters"]["Payload"]["action"] == "release"
    assert processor["Release the lock on the day"]["Next"] == "The day is loaded"


def test_the_load_is_polled_a_bounded_number_of_times_then_cancelled(asl):
    processor = _map_processor(asl)["States"]
    out_of_checks = processor["Have the load checks run out?"]
    [limit] = out_of_checks["Choices"]
    assert limit["Variable"] == "$.statement.checks" and limit["NumericGreaterThanEqualsPath"] == "$.load.max_checks"
    cancel = processor[limit["Next"]]
    assert cancel["Resource"] == "arn:aws:states:::aws-sdk:redshiftdata:cancelStatement"
    assert cancel["Parameters"] == {"Id.$": "$.statement.Id"}
    # cancelled or not, the time-out becomes the load's failure, which alerts
    assert {c["Next"] for c in cancel["Catch"]} == {cancel["Next"]}
    described = processor[cancel["Next"]]
    assert described["Parameters"]["Error"] == "LoadTimedOut" and described["Next"] == "Note that the load failed"
    # every pass through the wait counts one check
    assert processor[out_of_checks["Default"]]["Type"] == "Wait"
    count = processor[processor[out_of_checks["Default"]]["Next"]]
    assert count["Parameters"]["checks.$"] == "States.MathAdd($.statement.checks, 1)"
    assert count["Next"] == "Check whether the load has finished"
    assert processor["Load the day into Redshift"]["ResultSelector"]["checks"] == 0


def test_pending_migrations_run_alone_then_the_load_is_prepared_again(asl):
    processor = _map_processor(asl)["States"]
    finished = [c for c in processor["Has the load finished?"]["Choices"] if c.get("StringEquals") == "FINISHED"]
    assert finished[0]["Next"] == "Was that only the schema update?"
    again = processor["Was that only the schema update?"]
    assert again["Choices"] == [{"Variable": "$.load.schema_only", "BooleanEquals": True,
                                 "Next": "Prepare the warehouse load for the day"}]
    assert again["Default"] == "Release the lock on the day"


# ---------------------------------------------------------------- wiring into the template


def test_substitutions_and_placeholders_are_the_same_set(template, asl_text):
    machine = template["Resources"]["DailyBatchStateMachine"]["Properties"]
    substitutions = machine["DefinitionSubstitutions"]
    assert definition_placeholders(asl_text) == set(substitutions)
    declared = set(template["Resources"]) | set(template["Parameters"])
    for key, value in substitutions.items():
        reference = value.get("Ref") or value.get("Fn::GetAtt", [None])[0]
        assert reference in declared, f"{key} refers to {value}"
    assert machine["DefinitionS3Location"]["Key"] == {"Fn::Sub": "${StateMachineArtifactPrefix}/" + packaging.STATE_MACHINE}
    assert "Definition" not in machine and "DefinitionString" not in machine


def test_substitute_definition_refuses_a_missing_value(asl_text):
    with pytest.raises(DeployError, match="AlertTopicArn"):
        substitute_definition(asl_text, {k: "x" for k in definition_placeholders(asl_text) - {"AlertTopicArn"}})


REQUIRED_ACTIONS = {
    "arn:aws:states:::lambda:invoke": {"lambda:InvokeFunction"},
    "arn:aws:states:::glue:startJobRun.sync": {"glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"},
    "arn:aws:states:::aws-sdk:redshiftdata:batchExecuteStatement": {"redshift-data:BatchExecuteStatement", "secretsmanager:GetSecretValue"},
    "arn:aws:states:::aws-sdk:redshiftdata:describeStatement": {"redshift-data:DescribeStatement"},
    "arn:aws:states:::aws-sdk:redshiftdata:cancelStatement": {"redshift-data:CancelStatement"},
    "arn:aws:states:::sns:publish": {"sns:Publish", "kms:GenerateDataKey*"},
}


def test_the_state_machine_role_allows_every_integration_it_uses(asl, template):
    role = template["Resources"]["StateMachineRole"]["Properties"]
    granted = set()
    for policy in role["Policies"]:
        for statement in policy["PolicyDocument"]["Statement"]:
            actions = statement["Action"]
            granted |= set(actions if isinstance(actions, list) else [actions])
    used = {s["Resource"] for _, states in scopes(asl) for s in states.values() if s["Type"] == "Task"}
    assert used == set(REQUIRED_ACTIONS)
    for resource in used:
        assert REQUIRED_ACTIONS[resource] <= granted, resource


def test_moto_asl_parser_accepts_the_definition_and_rejects_a_broken_copy(asl_text, aws_credentials):
    """moto's ASL parser (LocalStack's grammar) checks the syntax; transitions are checked above."""
    definition = substitute_definition(asl_text, {k: f"arn:aws:sns:us-east-1:123456789012:{k}" for k in definition_placeholders(asl_text)})
    broken = json.loads(definition)
    broken["States"]["Work out which days to process"]["Type"] = "Taks"
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        sfn = boto3.client("stepfunctions", region_name="us-east-1")
        role = "arn:aws:iam::123456789012:role/sw-states"
        assert sfn.create_state_machine(name="daily-batch", definition=definition, roleArn=role)["stateMachineArn"]
        with pytest.raises(ClientError, match="ASLParserException"):
            sfn.create_state_machine(name="broken", definition=json.dumps(broken), roleArn=role)
