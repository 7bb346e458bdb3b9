"""Upload the artefacts of ``streamwatch package`` and create or update the CloudFormation stack.

Steps: check credentials and the artefact bucket (clear errors, before anything is written);
check that the build holds every artefact the template points at; upload each group of artefacts
(flink/, lambda/, glue/, statemachine/, cloudformation/) under ``<stack>/<hash of that group>/``
(objects already there with the same sha256 are skipped); create a change set from the uploaded
template and show it; refuse one that would replace or remove a stateful resource unless allowed;
say plainly whether the Flink application will be updated (and so restarted) before asking; execute
it when confirmed and wait for the stack; then turn on termination protection and set the stack
policy of the build (infra/stackpolicy), so that neither a console deploy nor a console delete can
replace or remove what holds data.

Each group's location is its own stack parameter (``FlinkArtifactPrefix``, ``LambdaArtifactPrefix``,
``GlueArtifactPrefix``, ``StateMachineArtifactPrefix``), so a change to the Lambdas or the Glue jobs
leaves the Flink application's code location - and the running job - untouched.
"""

from __future__ import annotations

import dataclasses
import re
import time
from pathlib import Path
from typing import Any, Callable, Mapping

import yaml

from streamwatch.aws import packaging

TERMINAL_OK = {"CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE"}
TERMINAL_FAILED = {
    "CREATE_FAILED", "ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "UPDATE_ROLLBACK_COMPLETE",
    "UPDATE_ROLLBACK_FAILED", "UPDATE_FAILED", "DELETE_COMPLETE", "DELETE_FAILED", "IMPORT_ROLLBACK_COMPLETE",
}
NO_CHANGES = ("didn't contain changes", "No updates are to be performed")
_ARTIFACT_REFERENCE = re.compile(r"\$\{([A-Za-z]+ArtifactPrefix)\}/([A-Za-z0-9_./-]+)")
# The stack parameter that locates each group (first directory) of the build.
GROUP_PARAMETERS = {
    "flink": "FlinkArtifactPrefix",
    "lambda": "LambdaArtifactPrefix",
    "glue": "GlueArtifactPrefix",
    "statemachine": "StateMachineArtifactPrefix",
}
# Resources that hold data or state: a change set that would replace or remove one is refused
# unless --allow-replace (their DeletionPolicy/UpdateReplacePolicy Retain keep the old one, but the
# stack would go on with a new, empty one).
STATEFUL_TYPES = frozenset({
    "AWS::Kinesis::Stream",
    "AWS::RedshiftServerless::Namespace",
    "AWS::S3::Bucket",
    "AWS::KinesisAnalyticsV2::Application",
    "AWS::KMS::Key",
    "AWS::SecretsManager::Secret",
    "AWS::Glue::Database",
})


class DeployError(RuntimeError):
    """Deploying cannot go on; the message says why and what to do."""


@dataclasses.dataclass(frozen=True)
class DeployRequest:
    stack: str
    artifact_bucket: str
    dist: Path = Path("dist")
    region: str | None = None
    parameters: Mapping[str, str] = dataclasses.field(default_factory=dict)
    execute: bool | None = None  # True: execute; False: only create and show; None: ask
    allow_replace: bool = False  # execute even if a stateful resource would be replaced or removed
    flink_restore: str | None = None  # FLINK_RESTORE_CHOICES; needed when the job's state layout changed
    poll_seconds: float = 10.0
    timeout_seconds: float = 3600.0


@dataclasses.dataclass(frozen=True)
class Change:
    action: str
    logical_id: str
    resource_type: str
    replacement: str
    scope: tuple[str, ...] = ()  # what of the resource changes: Properties, Tags, Metadata ...
    properties: tuple[str, ...] = ()  # the top-level properties that change, when CloudFormation says


@dataclasses.dataclass(frozen=True)
class DeployResult:
    stack: str
    build_id: str
    prefix: str
    uploaded: tuple[str, ...]
    skipped: tuple[str, ...]
    change_set: str | None
    changes: tuple[Change, ...]
    executed: bool
    status: str
    outputs: Mapping[str, str]


# ---------------------------------------------------------------- the template


class _CfnLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short tags (!Ref, !Sub, !GetAtt ...) as their long forms."""


def _cfn_tag(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if tag_suffix == "Ref" else f"Fn::{tag_suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if tag_suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_CfnLoader.add_multi_constructor("!", _cfn_tag)


def load_template(text: str) -> dict[str, Any]:
    """A CloudFormation YAML template as plain data (short-form tags expanded)."""
    return yaml.load(text, Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass


def referenced_artifacts(template_text: str) -> set[str]:
    """Files under a ``${<Group>ArtifactPrefix}/`` that the template points at (they must be in the
    build); a reference through another group's parameter is an error.

    Prefixes (``flink/*`` in a policy, ``.../`` of a folder) are not files and are left out.
    """
    found = set()
    for parameter, path in _ARTIFACT_REFERENCE.findall(template_text):
        group = path.split("/", 1)[0]
        if GROUP_PARAMETERS.get(group) != parameter:
            raise DeployError(f"the template points at {path} through ${{{parameter}}}; "
                              f"{group}/ is located by ${{{GROUP_PARAMETERS.get(group, '?')}}}")
        if not path.endswith(("/", "*")):
            found.add(path)
    return found


def artifact_groups(manifest: Mapping[str, Any]) -> dict[str, str]:
    """Each group (first directory) of the build with a hash of its files alone."""
    import hashlib

    digests: dict[str, Any] = {}
    for path, facts in sorted(manifest["artifacts"].items()):
        group = path.split("/", 1)[0]
        digests.setdefault(group, hashlib.sha256()).update(f"{path}\0{facts['sha256']}\n".encode())
    return {group: digest.hexdigest()[:16] for group, digest in digests.items()}


def group_prefixes(stack: str, manifest: Mapping[str, Any]) -> dict[str, str]:
    """group -> ``<stack>/<group hash>``: where that group's files go in the artefact bucket."""
    return {group: f"{stack}/{digest}" for group, digest in artifact_groups(manifest).items()}


def artifact_parameters(prefixes: Mapping[str, str]) -> dict[str, str]:
    """The stack parameters that locate each group of this build."""
    missing = sorted(set(GROUP_PARAMETERS) - set(prefixes))
    if missing:
        raise DeployError(f"the build has no {', '.join(missing)} artefacts (see `streamwatch package`)")
    return {parameter: prefixes[group] for group, parameter in GROUP_PARAMETERS.items()}


def stateful_replacements(changes: list["Change"]) -> list["Change"]:
    """The changes that would replace (or possibly replace) or remove a stateful resource."""
    return [
        change for change in changes
        if change.resource_type in STATEFUL_TYPES
        and (change.action == "Remove" or (change.action == "Modify" and change.replacement in ("True", "Conditional")))
    ]


_PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_]+)\}")


def definition_placeholders(definition: str) -> set[str]:
    """The ``${Name}`` placeholders of a state machine definition (DefinitionSubstitutions keys)."""
    return set(_PLACEHOLDER.findall(definition))


def substitute_definition(definition: str, substitutions: Mapping[str, str]) -> str:
    """``definition`` with its ``${Name}`` placeholders replaced, as CloudFormation's
    DefinitionSubstitutions does; a placeholder without a value is an error."""
    missing = sorted(definition_placeholders(definition) - set(substitutions))
    if missing:
        raise DeployError(f"no substitution for {', '.join(missing)}")
    return _PLACEHOLDER.sub(lambda match: str(substitutions[match.group(1)]), definition)


# ---------------------------------------------------------------- what the change does to the running job

FLINK_APPLICATION_TYPE = "AWS::KinesisAnalyticsV2::Application"
_RESTART_FROM = {
    "latest-snapshot": "from its latest snapshot (FlinkRestore=latest-snapshot): no data lost, seconds to minutes of lag",
    "allow-non-restored-state": ("from its latest snapshot, dropping the state of removed steps "
                                 "(FlinkRestore=allow-non-restored-state)"),
    "skip-snapshot": ("WITHOUT its state, from the source's initial.position (FlinkRestore=skip-snapshot): "
                      "open sessions and windows are lost, records still in the stream are read again"),
}


def flink_notice(changes: list["Change"], restore: str) -> str:
    """One plain sentence on what this change set does to the streaming job, shown before the
    operator confirms: an update of the Flink application restarts a running job, which is worth
    knowing before saying yes (a Lambda or Glue change never touches it)."""
    flink = [c for c in changes if c.resource_type == FLINK_APPLICATION_TYPE]
    if not flink:
        return "Flink application: not changed - the streaming job keeps running."
    lines = []
    for change in flink:
        if change.action == "Add":
            lines.append(f"Flink application {change.logical_id}: created, stopped (READY) - start it once "
                         "(docs/deploy.md, step 5).")
        elif change.action == "Remove":
            lines.append(f"Flink application {change.logical_id}: REMOVED - the streaming job stops and its "
                         "snapshots are deleted.")
        elif change.replacement in ("True", "Conditional"):
            lines.append(f"Flink application {change.logical_id}: REPLACED (replacement {change.replacement}) - "
                         "a new application without snapshots; the job starts from initial.position.")
        elif change.scope and set(change.scope) <= {"Tags"}:
            lines.append(f"Flink application {change.logical_id}: only its tags change - no restart.")
        else:
            what = f" ({', '.join(change.properties)})" if change.properties else ""
            lines.append(f"Flink application {change.logical_id}: UPDATED{what} - a running job RESTARTS "
                         f"{_RESTART_FROM.get(restore, restore)}.")
    return "\n".join(lines)


# ---------------------------------------------------------------- protecting the stack


def read_stack_policy(dist: Path, name: str = packaging.STACK_POLICY) -> str:
    """The stack policy of the build (infra/stackpolicy, copied by ``streamwatch package``)."""
    import json

    path = dist / name
    if not path.is_file():
        raise DeployError(f"the build in {dist} has no {name}: run `streamwatch package` again")
    text = path.read_text(encoding="utf-8")
    try:
        json.loads(text)
    except ValueError as error:
        raise DeployError(f"{path} is not JSON: {error}") from None
    return text


def protect_stack(cfn: Any, stack: str, policy: str) -> None:
    """Termination protection on, and the stack policy that denies replacing or deleting the
    stateful resources: a delete or an update from the console then cannot take them away."""
    cfn.update_termination_protection(StackName=stack, EnableTerminationProtection=True)
    cfn.set_stack_policy(StackName=stack, StackPolicyBody=policy)


# ---------------------------------------------------------------- the streaming job's state

FLINK_RESTORE_CHOICES = ("latest-snapshot", "allow-non-restored-state", "skip-snapshot")


def flink_restore_choice(deployed_layout: str | None, new_layout: str | None, requested: str | None) -> str:
    """How the Flink application restarts with this build (template parameter FlinkRestore).

    While the files that shape the job's state are unchanged, it resumes from its latest
    snapshot. When they changed, Managed Flink may fail to map the snapshot onto the new job and
    restart it in a loop; so the deploy asks the operator to choose, knowingly.
    """
    if requested is not None and requested not in FLINK_RESTORE_CHOICES:
        raise DeployError(f"--flink-restore must be one of {', '.join(FLINK_RESTORE_CHOICES)}, got {requested!r}")
    unchanged = deployed_layout in (None, "unknown") or deployed_layout == new_layout
    if unchanged or requested is not None:
        return requested or "latest-snapshot"
    raise DeployError(
        f"the streaming job's SQL or code changed since the deployed build (state layout {deployed_layout} -> "
        f"{new_layout}). If the change keeps every stateful step as it was (e.g. only a constant, a sink or a "
        "comment changed), the job resumes from its snapshot: deploy again with --flink-restore latest-snapshot. "
        "If it adds or removes a stateful step, --flink-restore allow-non-restored-state resumes and drops the "
        "state of what was removed. If it reshapes one (other keys, other columns in dedup, watched time, "
        "sessions or windows), the snapshot cannot be restored: --flink-restore skip-snapshot starts the job "
        "without state from the stream's start position. See docs/operations.md, 'Changing the streaming job'."
    )


# ---------------------------------------------------------------- checks


def check_build(dist: Path) -> tuple[dict, str]:
    """The manifest of ``dist`` and its template text; every referenced artefact must be present."""
    try:
        manifest = packaging.read_manifest(dist)
    except packaging.PackagingError as error:
        raise DeployError(str(error)) from None
    template_path = dist / packaging.TEMPLATE
    template_text = template_path.read_text(encoding="utf-8")
    missing = sorted(referenced_artifacts(template_text) - set(manifest["artifacts"]))
    if missing:
        raise DeployError(
            f"the build in {dist} lacks artefacts the template points at: {', '.join(missing)}"
            " (see the warnings of `streamwatch package`)"
        )
    return manifest, template_text


def check_access(session: Any, bucket: str) -> dict[str, str]:
    """The caller's identity; raises DeployError when credentials or the bucket are missing."""
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    if session.region_name is None:
        raise DeployError("no AWS region: pass --region or set AWS_REGION (or a region in your AWS profile)")
    if session.get_credentials() is None:
        raise DeployError(
            "no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY,"
            " or run `aws configure` / `aws sso login`"
        )
    try:
        identity = session.client("sts").get_caller_identity()
    except NoCredentialsError:
        raise DeployError("no AWS credentials found: run `aws configure` or `aws sso login`") from None
    except ClientError as error:
        raise DeployError(f"the AWS credentials were refused: {error.response['Error'].get('Message', error)}") from None
    except BotoCoreError as error:
        raise DeployError(f"cannot reach AWS STS: {error}") from None
    try:
        session.client("s3").head_bucket(Bucket=bucket)
    except ClientError as error:
        code = str(error.response["Error"].get("Code"))
        if code in ("404", "NoSuchBucket", "NotFound"):
            raise DeployError(
                f"artifact bucket {bucket!r} does not exist; create it first, e.g."
                f" `aws s3 mb s3://{bucket} --region {session.region_name}`"
            ) from None
        if code in ("403", "AccessDenied", "Forbidden"):
            raise DeployError(f"no access to artifact bucket {bucket!r} with these credentials ({identity['Arn']})") from None
        raise DeployError(f"cannot use artifact bucket {bucket!r}: {error}") from None
    return {"account": identity["Account"], "arn": identity["Arn"]}


# ---------------------------------------------------------------- upload


def upload(s3: Any, bucket: str, prefixes: Mapping[str, str], dist: Path, manifest: dict) -> tuple[list[str], list[str]]:
    """Upload every artefact of the manifest under its group's prefix; returns (uploaded keys, keys
    already up to date)."""
    from botocore.exceptions import ClientError

    uploaded, skipped = [], []
    for relative, facts in sorted(manifest["artifacts"].items()):
        key = f"{prefixes[relative.split('/', 1)[0]]}/{relative}"
        try:
            head = s3.head_object(Bucket=bucket, Key=key)
            if head.get("Metadata", {}).get("sha256") == facts["sha256"]:
                skipped.append(key)
                continue
        except ClientError as error:
            if str(error.response["Error"].get("Code")) not in ("404", "NoSuchKey", "NotFound"):
                raise
        s3.upload_file(str(dist / relative), bucket, key, ExtraArgs={"Metadata": {"sha256": facts["sha256"]}})
        uploaded.append(key)
    return uploaded, skipped


def template_url(bucket: str, region: str, key: str) -> str:
    return f"https://{bucket}.s3.{region}.amazonaws.com/{key}"


# ---------------------------------------------------------------- the stack


def stack_status(cfn: Any, stack: str) -> str | None:
    from botocore.exceptions import ClientError

    try:
        stacks = cfn.describe_stacks(StackName=stack)["Stacks"]
    except ClientError as error:
        if "does not exist" in str(error):
            return None
        raise
    return stacks[0]["StackStatus"] if stacks else None


def stack_parameters(
    template: dict[str, Any], existing: list[str], given: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Given values; on update, the stack's previous value for every other parameter it has."""
    declared = template.get("Parameters", {})
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise DeployError(f"the template has no parameter(s) {', '.join(unknown)} (it has: {', '.join(sorted(declared))})")
    parameters = [{"ParameterKey": key, "ParameterValue": str(value)} for key, value in sorted(given.items())]
    parameters += [{"ParameterKey": key, "UsePreviousValue": True} for key in sorted(existing) if key not in given and key in declared]
    return parameters


def create_change_set(
    cfn: Any, stack: str, url: str, parameters: list[dict[str, Any]], change_set_type: str, name: str,
    poll_seconds: float, timeout_seconds: float, sleep: Callable[[float], None] = time.sleep,
) -> tuple[str, list[Change]]:
    """Create the change set and wait for it; returns its status ("CREATE_COMPLETE" or "EMPTY") and changes."""
    cfn.create_change_set(
        StackName=stack,
        ChangeSetName=name,
        ChangeSetType=change_set_type,
        TemplateURL=url,
        Parameters=parameters,
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
        Description="streamwatch deploy",
    )
    deadline = time.monotonic() + timeout_seconds
    while True:
        described = cfn.describe_change_set(StackName=stack, ChangeSetName=name)
        status = described["Status"]
        if status == "CREATE_COMPLETE":
            break
        if status == "FAILED":
            reason = described.get("StatusReason", "")
            if any(marker in reason for marker in NO_CHANGES):
                return "EMPTY", []
            raise DeployError(f"change set {name} failed: {reason}")
        if time.monotonic() > deadline:
            raise DeployError(f"change set {name} still {status} after {timeout_seconds:.0f} s")
        sleep(poll_seconds)
    changes = []
    pages = [described]
    while pages[-1].get("NextToken"):
        pages.append(cfn.describe_change_set(StackName=stack, ChangeSetName=name, NextToken=pages[-1]["NextToken"]))
    for page in pages:
        for change in page.get("Changes", []):
            resource = change.get("ResourceChange", {})
            targets = [detail.get("Target", {}) for detail in resource.get("Details", [])]
            changes.append(Change(
                action=resource.get("Action", "?"),
                logical_id=resource.get("LogicalResourceId", "?"),
                resource_type=resource.get("ResourceType", "?"),
                replacement=resource.get("Replacement", "") or "",
                scope=tuple(resource.get("Scope", [])),
                properties=tuple(sorted({target["Name"] for target in targets
                                         if target.get("Attribute") == "Properties" and target.get("Name")})),
            ))
    return "CREATE_COMPLETE", changes


def wait_for_stack(
    cfn: Any, stack: str, poll_seconds: float, timeout_seconds: float, sleep: Callable[[float], None] = time.sleep,
) -> str:
    deadline = time.monotonic() + timeout_seconds
    while True:
        status = stack_status(cfn, stack) or "DELETE_COMPLETE"
        if status in TERMINAL_OK:
            return status
        if status in TERMINAL_FAILED:
            raise DeployError(f"stack {stack} ended {status}:\n" + "\n".join(failure_reasons(cfn, stack)))
        if time.monotonic() > deadline:
            raise DeployError(f"stack {stack} still {status} after {timeout_seconds:.0f} s")
        sleep(poll_seconds)


def failure_reasons(cfn: Any, stack: str, limit: int = 10) -> list[str]:
    try:
        events = cfn.describe_stack_events(StackName=stack)["StackEvents"]
    except Exception:  # noqa: BLE001 - best effort while reporting another error
        return []
    failed = [e for e in events if str(e.get("ResourceStatus", "")).endswith("FAILED")]
    return [f"  {e['LogicalResourceId']} ({e['ResourceType']}): {e.get('ResourceStatusReason', '')}" for e in failed[:limit]]


def stack_outputs(cfn: Any, stack: str) -> dict[str, str]:
    described = cfn.describe_stacks(StackName=stack)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}


# ---------------------------------------------------------------- the whole deploy


def deploy(
    request: DeployRequest,
    session: Any = None,
    echo: Callable[[str], None] = print,
    confirm: Callable[[str], bool] = lambda _question: False,
    sleep: Callable[[float], None] = time.sleep,
) -> DeployResult:
    """Upload the build in ``request.dist`` and create or update ``request.stack`` from it."""
    if session is None:
        import boto3

        session = boto3.Session(region_name=request.region)
    manifest, template_text = check_build(request.dist)
    identity = check_access(session, request.artifact_bucket)
    region = session.region_name
    build_id = manifest["build_id"]
    prefixes = group_prefixes(request.stack, manifest)
    prefix = f"{request.stack}"
    echo(f"account {identity['account']}, region {region}, build {build_id}")

    s3 = session.client("s3")
    uploaded, skipped = upload(s3, request.artifact_bucket, prefixes, request.dist, manifest)
    echo(f"uploaded {len(uploaded)} artefact(s) to s3://{request.artifact_bucket}/{prefix}/ ({len(skipped)} already there)")

    cfn = session.client("cloudformation")
    existing_status = stack_status(cfn, request.stack)
    if existing_status == "REVIEW_IN_PROGRESS":
        existing_status = None  # created by an earlier change set that was never executed
    if existing_status is not None and existing_status not in TERMINAL_OK | {"UPDATE_ROLLBACK_COMPLETE"}:
        raise DeployError(f"stack {request.stack} is {existing_status}; wait for it to settle (or delete it) and retry")
    deployed: dict[str, str] = {}
    if existing_status is not None:
        described = cfn.describe_stacks(StackName=request.stack)["Stacks"][0]
        deployed = {p["ParameterKey"]: p.get("ParameterValue", "") for p in described.get("Parameters", [])}
    existing_parameters = list(deployed)
    layout = manifest.get("flink_state_layout", "unknown")
    restore = flink_restore_choice(deployed.get("FlinkStateLayout"), layout, request.flink_restore)
    if deployed.get("FlinkStateLayout") not in (None, "unknown", layout):
        echo(f"the streaming job's state layout changed ({deployed['FlinkStateLayout']} -> {layout}): "
             f"it restarts with FlinkRestore={restore}")
    given = {**dict(request.parameters), "ArtifactBucket": request.artifact_bucket, **artifact_parameters(prefixes),
             "FlinkStateLayout": layout, "FlinkRestore": restore}
    parameters = stack_parameters(load_template(template_text), existing_parameters, given)
    change_set_type = "UPDATE" if existing_status is not None else "CREATE"
    name = f"streamwatch-{build_id}-{time.time_ns() // 1_000_000}"
    url = template_url(request.artifact_bucket, region, f"{prefixes['cloudformation']}/{packaging.TEMPLATE}")
    status, changes = create_change_set(
        cfn, request.stack, url, parameters, change_set_type, name, request.poll_seconds, request.timeout_seconds, sleep
    )
    if status == "EMPTY":
        echo(f"stack {request.stack} is already up to date: no changes")
        cfn.delete_change_set(StackName=request.stack, ChangeSetName=name)
        return DeployResult(request.stack, build_id, prefix, tuple(uploaded), tuple(skipped), None, (), False,
                            existing_status or "", stack_outputs(cfn, request.stack) if existing_status else {})
    echo(format_changes(request.stack, change_set_type, changes))
    echo(flink_notice(changes, restore))
    policy = read_stack_policy(request.dist)
    dangerous = stateful_replacements(changes)
    if dangerous and not request.allow_replace:
        cfn.delete_change_set(StackName=request.stack, ChangeSetName=name)
        listed = "\n".join(f"  {c.logical_id} ({c.resource_type}): {c.action}"
                            + (f", replacement {c.replacement}" if c.action == "Modify" else "") for c in dangerous)
        raise DeployError(
            "refusing a change set that would replace or remove resources that hold data:\n" + listed
            + "\nThe old ones are retained (DeletionPolicy Retain) but the stack would go on with new, empty ones."
            " If that is what you mean, deploy again with --allow-replace; the change set was deleted."
        )
    if dangerous:
        echo(f"--allow-replace: going on although {len(dangerous)} stateful resource(s) would be replaced or removed")
    execute = request.execute if request.execute is not None else confirm(f"Execute change set {name}?")
    if not execute:
        echo(f"change set {name} left for review: aws cloudformation execute-change-set"
             f" --stack-name {request.stack} --change-set-name {name}")
        return DeployResult(request.stack, build_id, prefix, tuple(uploaded), tuple(skipped), name, tuple(changes),
                            False, existing_status or "REVIEW_IN_PROGRESS", {})
    lifted = bool(dangerous) and existing_status is not None
    if lifted:
        # The stack policy denies exactly these replacements; ExecuteChangeSet takes no override, so
        # the policy is lifted for this update and set again below, whatever its outcome.
        cfn.set_stack_policy(StackName=request.stack,
                             StackPolicyBody=read_stack_policy(request.dist, packaging.STACK_POLICY_DURING_REPLACEMENT))
        echo("stack policy lifted for this update (--allow-replace); it is set again afterwards")
    try:
        cfn.execute_change_set(StackName=request.stack, ChangeSetName=name)
        echo(f"executing change set {name} ...")
        final = wait_for_stack(cfn, request.stack, request.poll_seconds, request.timeout_seconds, sleep)
    finally:
        if lifted:
            cfn.set_stack_policy(StackName=request.stack, StackPolicyBody=policy)
    protect_stack(cfn, request.stack, policy)
    echo("termination protection on; stack policy set (no replacing or deleting the stream, buckets, "
         "Redshift namespace, Flink application, key, secret or catalog databases)")
    outputs = stack_outputs(cfn, request.stack)
    echo(f"stack {request.stack}: {final}")
    for key, value in sorted(outputs.items()):
        echo(f"  {key} = {value}")
    return DeployResult(request.stack, build_id, prefix, tuple(uploaded), tuple(skipped), name, tuple(changes),
                        True, final, outputs)


def format_changes(stack: str, change_set_type: str, changes: list[Change]) -> str:
    verb = "create" if change_set_type == "CREATE" else "update"
    lines = [f"change set to {verb} stack {stack}: {len(changes)} change(s)"]
    width = max((len(c.logical_id) for c in changes), default=10)
    for change in changes:
        replacement = f"  replacement: {change.replacement}" if change.replacement else ""
        lines.append(f"  {change.action:<7} {change.logical_id:<{width}}  {change.resource_type}{replacement}")
    return "\n".join(lines)


def parse_parameter(text: str) -> tuple[str, str]:
    """``Key=Value`` of ``--parameter``."""
    key, separator, value = text.partition("=")
    if not separator or not key:
        raise DeployError(f"--parameter takes KEY=VALUE, got {text!r}")
    return key, value
