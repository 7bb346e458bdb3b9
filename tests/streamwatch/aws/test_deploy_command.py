"""``streamwatch deploy`` against moto: clear errors before anything is written, then a real
create through a change set. moto's CloudFormation creates the resource types it supports; the
others are stood in for by placeholders (tests/infra/moto_workarounds.py says which and why), so
the supported ones - buckets, stream, topic, key, roles, functions, log groups, state machine,
rule, dashboard - are created for real and checked here."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import zipfile
from pathlib import Path

import boto3
import pytest
from click.testing import CliRunner
from moto import mock_aws

from streamwatch.aws import packaging
from streamwatch.cli import main

REPO_ROOT = Path(__file__).resolve().parents[3]
REGION = "eu-west-1"
BUCKET = "sw-artifacts-test"


def _workarounds():
    path = REPO_ROOT / "tests" / "infra" / "moto_workarounds.py"
    spec = importlib.util.spec_from_file_location("_sw_moto_workarounds_deploy", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _build(tmp_path_factory, manifest: str) -> Path:
    """A build with a small stand-in jar holding ``manifest``: deploy only uploads the jar."""
    jar = tmp_path_factory.mktemp("jar") / packaging.JAR_NAME
    with zipfile.ZipFile(jar, "w") as archive:
        archive.writestr("META-INF/MANIFEST.MF", manifest)
    out = tmp_path_factory.mktemp("deploy") / "dist"
    packaging.build(out, jar=jar)
    return out


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    return _build(tmp_path_factory, "Manifest-Version: 1.0\n")


@pytest.fixture()
def credentials(monkeypatch):
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture()
def aws(credentials, monkeypatch):
    _workarounds().termination_protection(monkeypatch)
    _workarounds().conditions_on_update(monkeypatch)
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        yield


def deploy(dist, *extra):
    args = ["deploy", "--stack", "sw-dev", "--artifact-bucket", BUCKET, "--region", REGION,
            "--dist", str(dist), "--poll-seconds", "0.05", *extra]
    return CliRunner().invoke(main, args)


def test_help_has_an_example():
    result = CliRunner().invoke(main, ["deploy", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "streamwatch deploy --stack" in result.output


def test_missing_credentials_are_a_clear_error(dist, monkeypatch, tmp_path):
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    result = deploy(dist)
    assert result.exit_code == 1
    assert "no AWS credentials found" in result.output


def test_a_missing_artifact_bucket_is_a_clear_error(dist, credentials):
    with mock_aws():
        result = deploy(dist)
        assert result.exit_code == 1
        assert f"artifact bucket '{BUCKET}' does not exist" in result.output
        assert f"aws s3 mb s3://{BUCKET}" in result.output
        assert boto3.client("cloudformation", region_name=REGION).list_stacks()["StackSummaries"] == []


def test_no_build_is_a_clear_error(tmp_path, aws):
    result = deploy(tmp_path / "empty")
    assert result.exit_code == 1
    assert "run `streamwatch package` first" in result.output


def test_an_unknown_parameter_is_refused_before_any_change_set(dist, aws):
    result = deploy(dist, "--parameter", "Shards=3", "--yes")
    assert result.exit_code == 1
    assert "no parameter(s) Shards" in result.output
    assert boto3.client("cloudformation", region_name=REGION).list_stacks()["StackSummaries"] == []


def test_preview_shows_the_change_set_and_changes_nothing(dist, aws):
    result = deploy(dist, "--preview")
    assert result.exit_code == 0, result.output
    assert "change set to create stack sw-dev" in result.output
    assert re.search(r"Add\s+LakeBucket\s+AWS::S3::Bucket", result.output)
    assert "left for review" in result.output
    assert boto3.client("kinesis", region_name=REGION).list_streams()["StreamNames"] == []


def test_deploy_creates_the_stack_from_the_uploaded_build(dist, aws):
    from streamwatch.aws.deploy import group_prefixes

    manifest = json.loads((dist / "manifest.json").read_text())
    prefixes = group_prefixes("sw-dev", manifest)
    prefix = "sw-dev"
    with _workarounds().placeholder_resources() as stood_in:
        result = deploy(dist, "--yes", "--parameter", "Environment=test", "--parameter", "AlertEmail=ops@example.com")
        assert result.exit_code == 0, result.output
        assert "stack sw-dev: CREATE_COMPLETE" in result.output

        # The build is in the artefact bucket, each group under <stack>/<hash of the group>/.
        s3 = boto3.client("s3", region_name=REGION)
        keys = {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix)["Contents"]}
        assert keys == {f"{prefixes[path.split('/')[0]]}/{path}" for path in manifest["artifacts"]}
        assert len(set(prefixes.values())) == len(prefixes)  # one hash per group
        head = s3.head_object(Bucket=BUCKET, Key=f"{prefixes['lambda']}/{packaging.LAMBDA_ZIP}")
        assert head["Metadata"]["sha256"] == manifest["artifacts"][packaging.LAMBDA_ZIP]["sha256"]

        # What moto supports was created, with the stack's names and settings.
        account = boto3.client("sts", region_name=REGION).get_caller_identity()["Account"]
        lake = f"streamwatch-test-lake-{account}-{REGION}"
        # (moto's AWS::S3::Bucket applies only BucketEncryption and Tags; versioning, lifecycle,
        # public access block and logging are checked in tests/infra/test_templates.py.)
        rule = s3.get_bucket_encryption(Bucket=lake)["ServerSideEncryptionConfiguration"]["Rules"][0]
        assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
        assert {b["Name"] for b in s3.list_buckets()["Buckets"]} == {
            BUCKET, lake, f"streamwatch-test-access-logs-{account}-{REGION}", f"streamwatch-test-query-results-{account}-{REGION}"}
        stream = boto3.client("kinesis", region_name=REGION).describe_stream_summary(StreamName="streamwatch-test-events")
        # (moto's AWS::Kinesis::Stream applies ShardCount, RetentionPeriodHours and Tags only.)
        assert stream["StreamDescriptionSummary"]["RetentionPeriodHours"] == 72  # an on-call's weekend
        topics = [t["TopicArn"] for t in boto3.client("sns", region_name=REGION).list_topics()["Topics"]]
        assert any(t.endswith(":streamwatch-test-alerts") for t in topics)
        functions = {f["FunctionName"]: f for f in boto3.client("lambda", region_name=REGION).list_functions()["Functions"]}
        assert set(functions) == {"streamwatch-test-run-date", "streamwatch-test-load-statements",
                                  "streamwatch-test-data-quality", "streamwatch-test-stream-progress",
                                  "streamwatch-test-day-lock"}
        assert functions["streamwatch-test-load-statements"]["Handler"] == "load_statements.handler"
        assert functions["streamwatch-test-load-statements"]["Environment"]["Variables"]["LAKE_URI"] == f"s3://{lake}"
        machines = boto3.client("stepfunctions", region_name=REGION).list_state_machines()["stateMachines"]
        assert [m["name"] for m in machines] == ["streamwatch-test-daily-batch"]
        groups = {g["logGroupName"]: g for g in boto3.client("logs", region_name=REGION).describe_log_groups()["logGroups"]}
        assert groups["/aws/vendedlogs/states/streamwatch-test-daily-batch"]["retentionInDays"] == 90
        rule_names = [r["Name"] for r in boto3.client("events", region_name=REGION).list_rules()["Rules"]]
        assert len(rule_names) == 1
        dashboards = boto3.client("cloudwatch", region_name=REGION).list_dashboards()["DashboardEntries"]
        assert [d["DashboardName"] for d in dashboards] == ["streamwatch-test"]
        # Protected against a console delete or a replacing update (item 4): the build's stack policy.
        described = boto3.client("cloudformation", region_name=REGION).describe_stacks(StackName="sw-dev")["Stacks"][0]
        assert described["EnableTerminationProtection"] is True
        policy = boto3.client("cloudformation", region_name=REGION).get_stack_policy(StackName="sw-dev")
        assert json.loads(policy["StackPolicyBody"]) == json.loads((REPO_ROOT / "infra/stackpolicy/streamwatch.json").read_text())
        assert "termination protection on; stack policy set" in result.output
        roles = boto3.client("iam").list_roles()["Roles"]
        assert len([r for r in roles if r["RoleName"].startswith("sw-dev-")]) == 11  # + crawler, day-lock and compaction roles
        # the day lock's table and the schedule's dead-letter queue
        assert boto3.client("dynamodb", region_name=REGION).list_tables()["TableNames"] == ["streamwatch-test-day-locks"]
        queues = boto3.client("sqs", region_name=REGION).list_queues()["QueueUrls"]
        assert [q.rsplit("/", 1)[1] for q in queues] == ["streamwatch-test-daily-batch-not-started"]

        # Unsupported types were only stood in for; every artefact they point at was uploaded.
        jobs = stood_in["AWS::Glue::Job"]
        assert len(jobs) == 5  # four Spark jobs and the compaction (Python shell)
        for job in jobs:
            for location in (job.properties["Command"]["ScriptLocation"], job.properties["DefaultArguments"]["--extra-py-files"]):
                bucket, key = location.removeprefix("s3://").split("/", 1)
                assert bucket == BUCKET and key in keys, location
        [flink] = stood_in["AWS::KinesisAnalyticsV2::Application"]
        location = flink.properties["ApplicationConfiguration"]["ApplicationCodeConfiguration"]["CodeContent"]["S3ContentLocation"]
        assert location["FileKey"] == f"{prefixes['flink']}/{packaging.FLINK_ZIP}" and location["FileKey"] in keys

        # Deploying the same build again uploads nothing. (CloudFormation then fails the change set
        # with "didn't contain changes", reported as up to date - see the unit test below; moto
        # instead completes an empty change set.)
        again = deploy(dist, "--yes", "--parameter", "Environment=test")
        assert again.exit_code == 0, again.output
        assert f"uploaded 0 artefact(s) to s3://{BUCKET}/{prefix}/ ({len(manifest['artifacts'])} already there)" in again.output


@pytest.fixture(scope="module")
def next_dist(tmp_path_factory) -> Path:
    """Another build (a different jar), as after a code change."""
    return _build(tmp_path_factory, "Manifest-Version: 1.0\nBuild: 2\n")


def test_an_update_keeps_the_parameters_it_is_not_given(dist, next_dist, aws):
    cfn = boto3.client("cloudformation", region_name=REGION)
    with _workarounds().placeholder_resources():
        first = deploy(dist, "--yes", "--parameter", "Environment=test", "--parameter", "RawRetentionDays=30")
        assert first.exit_code == 0, first.output
        second = deploy(next_dist, "--yes", "--parameter", "RawRetentionDays=60")
        assert second.exit_code == 0, second.output
        assert "change set to update stack sw-dev" in second.output
        assert "stack sw-dev: UPDATE_COMPLETE" in second.output
        parameters = {p["ParameterKey"]: p["ParameterValue"] for p in cfn.describe_stacks(StackName="sw-dev")["Stacks"][0]["Parameters"]}
    from streamwatch.aws.deploy import group_prefixes

    first_groups = group_prefixes("sw-dev", json.loads((dist / "manifest.json").read_text()))
    new_groups = group_prefixes("sw-dev", json.loads((next_dist / "manifest.json").read_text()))
    assert parameters["Environment"] == "test"  # not reverted to the template default
    assert parameters["RawRetentionDays"] == "60"
    assert parameters["FlinkArtifactPrefix"] == new_groups["flink"] != first_groups["flink"]  # a new jar
    assert parameters["LambdaArtifactPrefix"] == new_groups["lambda"] == first_groups["lambda"]  # unchanged


class ChangeSetStub:
    """describe_change_set answers as CloudFormation does for a template with nothing to change."""

    def __init__(self):
        self.deleted = []

    def create_change_set(self, **kwargs):
        self.created = kwargs

    def describe_change_set(self, **kwargs):
        return {"Status": "FAILED", "StatusReason": "The submitted information didn't contain changes. "
                "Submit different information to create a change set."}


def test_a_change_set_without_changes_is_reported_as_up_to_date():
    from streamwatch.aws.deploy import create_change_set

    stub = ChangeSetStub()
    status, changes = create_change_set(stub, "sw-dev", "https://b.s3.eu-west-1.amazonaws.com/t.yaml", [], "UPDATE",
                                        "cs-1", poll_seconds=0, timeout_seconds=5, sleep=lambda s: None)
    assert (status, changes) == ("EMPTY", [])
    assert stub.created["Capabilities"] == ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"]


def test_a_failed_change_set_is_an_error_with_its_reason():
    from streamwatch.aws.deploy import DeployError, create_change_set

    class Failing(ChangeSetStub):
        def describe_change_set(self, **kwargs):
            return {"Status": "FAILED", "StatusReason": "Template format error: Unresolved resource dependencies [X]"}

    with pytest.raises(DeployError, match="Unresolved resource dependencies"):
        create_change_set(Failing(), "sw-dev", "u", [], "UPDATE", "cs-1", poll_seconds=0, timeout_seconds=5, sleep=lambda s: None)


# ---------------------------------------------------------------- only what changed; nothing replaced


def _resolve(node, values):
    """A template node with Ref/Fn::Sub of the given parameters filled in (others left as they are)."""
    if isinstance(node, dict):
        if set(node) == {"Ref"} and node["Ref"] in values:
            return values[node["Ref"]]
        if set(node) == {"Fn::Sub"} and isinstance(node["Fn::Sub"], str):
            text = node["Fn::Sub"]
            for key, value in values.items():
                text = text.replace("${" + key + "}", value)
            return {"Fn::Sub": text}
        return {k: _resolve(v, values) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve(v, values) for v in node]
    return node


def test_a_lambda_or_glue_change_leaves_the_flink_application_untouched(tmp_path, dist):
    """Item 6: build again after a change to a Lambda and a Glue job; the only resources whose resolved
    properties differ are Lambda/Glue ones - the Flink application and its role keep theirs."""
    import shutil

    from streamwatch.aws.deploy import artifact_parameters, group_prefixes, load_template

    repo = tmp_path / "repo"
    for part in ("flink_app", "infra", "batch", "warehouse", "sql"):
        shutil.copytree(REPO_ROOT / part, repo / part, ignore=shutil.ignore_patterns("target", "__pycache__"))
    for changed in (repo / "infra" / "lambda" / "batch_ops" / "run_date.py", repo / "batch" / "jobs" / "dim_title.py"):
        changed.write_text(changed.read_text() + "\n# a change\n")
    jar = next(iter((dist.parent.parent).glob("jar*/" + packaging.JAR_NAME)), None) or _small_jar(tmp_path)
    changed_dist = packaging.build(tmp_path / "dist", repo_root=repo, jar=jar).out_dir
    before = artifact_parameters(group_prefixes("sw-dev", json.loads((dist / "manifest.json").read_text())))
    after = artifact_parameters(group_prefixes("sw-dev", json.loads((changed_dist / "manifest.json").read_text())))
    assert before["FlinkArtifactPrefix"] == after["FlinkArtifactPrefix"]
    assert before["LambdaArtifactPrefix"] != after["LambdaArtifactPrefix"]
    assert before["GlueArtifactPrefix"] != after["GlueArtifactPrefix"]
    template = load_template((REPO_ROOT / "infra" / "cloudformation" / "streamwatch.yaml").read_text())
    changed = {name for name, resource in template["Resources"].items()
               if _resolve(resource, before) != _resolve(resource, after)}
    types = {template["Resources"][name]["Type"] for name in changed}
    assert types <= {"AWS::Lambda::Function", "AWS::Glue::Job", "AWS::IAM::Role"}, changed
    assert "FlinkApplication" not in changed and "FlinkRole" not in changed
    assert {"RunDateFunction", "DimTitleJob", "GlueJobRole"} <= changed


def _small_jar(tmp_path):
    jar = tmp_path / packaging.JAR_NAME
    with zipfile.ZipFile(jar, "w") as archive:
        archive.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n")
    return jar


def _change_sets_replace_the_stream(monkeypatch):
    """Every change set also says it would replace the stream (as a renamed stream would)."""
    from streamwatch.aws import deploy as deploy_module

    original = deploy_module.create_change_set

    def with_a_replacement(*args, **kwargs):
        status, changes = original(*args, **kwargs)
        return status, [*changes, deploy_module.Change("Modify", "EventStream", "AWS::Kinesis::Stream", "True")]

    monkeypatch.setattr(deploy_module, "create_change_set", with_a_replacement)


def test_a_change_set_replacing_a_stateful_resource_is_refused_unless_allowed(dist, aws, monkeypatch):
    _change_sets_replace_the_stream(monkeypatch)
    cfn = boto3.client("cloudformation", region_name=REGION)
    with _workarounds().placeholder_resources():
        refused = deploy(dist, "--yes")
        assert refused.exit_code == 1
        assert "refusing a change set that would replace or remove resources that hold data" in refused.output
        assert "EventStream (AWS::Kinesis::Stream): Modify, replacement True" in refused.output
        assert "--allow-replace" in refused.output
        assert cfn.describe_stacks(StackName="sw-dev")["Stacks"][0]["StackStatus"] == "REVIEW_IN_PROGRESS"
        assert boto3.client("kinesis", region_name=REGION).list_streams()["StreamNames"] == []


def test_allow_replace_executes_such_a_change_set(dist, aws, monkeypatch):
    _change_sets_replace_the_stream(monkeypatch)
    with _workarounds().placeholder_resources():
        allowed = deploy(dist, "--yes", "--allow-replace")
        assert allowed.exit_code == 0, allowed.output
        assert "--allow-replace: going on although 1 stateful resource(s)" in allowed.output
        assert "stack sw-dev: CREATE_COMPLETE" in allowed.output


def test_which_changes_count_as_replacing_state():
    from streamwatch.aws.deploy import Change, stateful_replacements

    changes = [
        Change("Modify", "EventStream", "AWS::Kinesis::Stream", "Conditional"),
        Change("Modify", "LakeBucket", "AWS::S3::Bucket", "False"),
        Change("Remove", "RedshiftNamespace", "AWS::RedshiftServerless::Namespace", ""),
        Change("Modify", "RunDateFunction", "AWS::Lambda::Function", "True"),
        Change("Add", "NewBucket", "AWS::S3::Bucket", ""),
    ]
    assert [c.logical_id for c in stateful_replacements(changes)] == ["EventStream", "RedshiftNamespace"]


def test_a_changed_state_layout_needs_a_restore_choice(dist, aws, tmp_path):
    """A build whose streaming SQL or code changed is refused until the operator says how the job
    restarts; then the choice reaches the stack, and the next build of the same code needs none."""
    import shutil

    changed = tmp_path / "dist"
    shutil.copytree(dist, changed)
    manifest = json.loads((changed / "manifest.json").read_text())
    manifest["flink_state_layout"] = "0123456789abcdef"
    (changed / "manifest.json").write_text(json.dumps(manifest))
    cfn = boto3.client("cloudformation", region_name=REGION)

    def parameters():
        return {p["ParameterKey"]: p["ParameterValue"] for p in cfn.describe_stacks(StackName="sw-dev")["Stacks"][0]["Parameters"]}

    with _workarounds().placeholder_resources():
        assert deploy(dist, "--yes").exit_code == 0
        assert parameters()["FlinkRestore"] == "latest-snapshot"
        refused = deploy(changed, "--yes")
        assert refused.exit_code == 1
        assert "the streaming job's SQL or code changed since the deployed build" in refused.output
        assert "--flink-restore latest-snapshot" in refused.output and "skip-snapshot" in refused.output
        assert parameters()["FlinkStateLayout"] == json.loads((dist / "manifest.json").read_text())["flink_state_layout"]
        chosen = deploy(changed, "--yes", "--flink-restore", "allow-non-restored-state")
        assert chosen.exit_code == 0, chosen.output
        assert parameters()["FlinkStateLayout"] == "0123456789abcdef"
        assert parameters()["FlinkRestore"] == "allow-non-restored-state"


def test_the_state_layout_follows_the_job_sources_only(tmp_path):
    root = tmp_path / "repo"
    for relative in ("flink_app/sql/a.sql", "flink_app/src/main/java/x/A.java", "flink_app/job.py", "README.md"):
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text("v1")
    before = packaging.flink_state_layout(root)
    (root / "README.md").write_text("v2")
    assert packaging.flink_state_layout(root) == before
    (root / "flink_app/sql/a.sql").write_text("v2")
    assert packaging.flink_state_layout(root) != before



# ---------------------------------------------------------------- the preview names a Flink restart


def _change_sets_also_update_the_flink_application(monkeypatch, scope=("Properties",)):
    """moto lists no changes for an update; CloudFormation lists the application's Modify."""
    from streamwatch.aws import deploy as deploy_module

    original = deploy_module.create_change_set

    def with_flink(*args, **kwargs):
        status, changes = original(*args, **kwargs)
        flink = deploy_module.Change("Modify", "FlinkApplication", "AWS::KinesisAnalyticsV2::Application", "False",
                                     scope, ("ApplicationConfiguration",))
        return status, [*changes, flink]

    monkeypatch.setattr(deploy_module, "create_change_set", with_flink)


def test_the_preview_says_the_flink_job_restarts_before_asking(dist, next_dist, aws, monkeypatch):
    with _workarounds().placeholder_resources():
        assert deploy(dist, "--yes").exit_code == 0
        _change_sets_also_update_the_flink_application(monkeypatch)
        answered_no = CliRunner().invoke(main, [
            "deploy", "--stack", "sw-dev", "--artifact-bucket", BUCKET, "--region", REGION, "--dist", str(next_dist),
            "--poll-seconds", "0.05"], input="n\n")
    assert answered_no.exit_code == 0, answered_no.output
    notice = ("Flink application FlinkApplication: UPDATED (ApplicationConfiguration) - a running job RESTARTS "
              "from its latest snapshot")
    assert notice in answered_no.output
    assert answered_no.output.index(notice) < answered_no.output.index("Execute change set")
    assert "left for review" in answered_no.output


def test_what_the_notice_says_for_each_kind_of_flink_change():
    from streamwatch.aws.deploy import Change, flink_notice

    app = "AWS::KinesisAnalyticsV2::Application"
    lambda_only = [Change("Modify", "RunDateFunction", "AWS::Lambda::Function", "False", ("Properties",))]
    assert flink_notice(lambda_only, "latest-snapshot") == "Flink application: not changed - the streaming job keeps running."
    tags = [Change("Modify", "FlinkApplication", app, "False", ("Tags",))]
    assert "only its tags change - no restart" in flink_notice(tags, "latest-snapshot")
    skip = [Change("Modify", "FlinkApplication", app, "False", ("Properties",), ("RunConfiguration",))]
    assert "RESTARTS WITHOUT its state" in flink_notice(skip, "skip-snapshot")
    replaced = [Change("Modify", "FlinkApplication", app, "True", ("Properties",), ("ApplicationName",))]
    assert "REPLACED" in flink_notice(replaced, "latest-snapshot")
    assert "created, stopped (READY)" in flink_notice([Change("Add", "FlinkApplication", app, "")], "latest-snapshot")


def test_allow_replace_lifts_the_stack_policy_for_that_update_only(dist, next_dist, aws, monkeypatch):
    from moto.cloudformation.models import CloudFormationBackend

    bodies = []
    original = CloudFormationBackend.set_stack_policy

    def recording(self, stack_name, policy_body):
        bodies.append(json.loads(policy_body))
        return original(self, stack_name, policy_body)

    monkeypatch.setattr(CloudFormationBackend, "set_stack_policy", recording)
    protective = json.loads((REPO_ROOT / "infra/stackpolicy/streamwatch.json").read_text())
    lifted = json.loads((REPO_ROOT / "infra/stackpolicy/during_replacement.json").read_text())
    with _workarounds().placeholder_resources():
        assert deploy(dist, "--yes").exit_code == 0
        assert bodies == [protective]
        _change_sets_replace_the_stream(monkeypatch)
        result = deploy(next_dist, "--yes", "--allow-replace")
    assert result.exit_code == 0, result.output
    assert "stack policy lifted for this update (--allow-replace)" in result.output
    assert bodies[1:] == [lifted, protective, protective]  # lifted, restored, then set as after every deploy
