"""Test-side workarounds for what moto (5.2.x) lacks, each naming the gap. Only tests use this file.

Loaded by path (``load_module``) from tests/infra/conftest.py and tests/streamwatch/aws/test_deploy_command.py.
"""

from __future__ import annotations

import contextlib
import gc
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

# Resource types of our template that moto's CloudFormation cannot create. moto skips them with
# "No Moto CloudFormation support for <type>" and then fails the whole stack on the first
# Fn::GetAtt that names one ("Template error: instance of Fn::GetAtt references undefined
# resource", getmoto/moto#6018, fixed to raise in getmoto/moto#6019). Placeholders stand in for
# them so that the types moto does support are created for real and can be checked.
UNSUPPORTED_BY_MOTO_CLOUDFORMATION = (
    "AWS::Athena::WorkGroup",
    "AWS::CloudWatch::Alarm",
    "AWS::Glue::Crawler",
    "AWS::Glue::Database",
    "AWS::Glue::Job",
    "AWS::Glue::SecurityConfiguration",
    "AWS::Glue::Table",
    "AWS::KinesisAnalyticsV2::Application",
    "AWS::KinesisAnalyticsV2::ApplicationCloudWatchLoggingOption",
    "AWS::Logs::LogStream",
    "AWS::RedshiftServerless::Namespace",
    "AWS::RedshiftServerless::Workgroup",
    "AWS::S3::BucketPolicy",
    "AWS::SNS::Subscription",
    "AWS::SNS::TopicPolicy",
    "AWS::Scheduler::Schedule",
    "AWS::SecretsManager::Secret",
)


def load_module(path: Path, name: str | None = None) -> Any:
    spec = importlib.util.spec_from_file_location(name or f"_sw_test_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


_MODEL_DATA_KEY = "streamwatch_placeholders"


class _Placeholder:
    def __init__(self, resource_type: str, name: str, properties: Mapping[str, Any]):
        self.resource_type = resource_type
        self.properties = dict(properties)
        names = [v for k, v in properties.items() if k.endswith("Name") and isinstance(v, str)]
        self.physical_resource_id = names[0] if names else name

    def get_cfn_attribute(self, attribute: str) -> str:
        return f"arn:aws:placeholder:::{self.resource_type}/{self.physical_resource_id}/{attribute}"


@contextlib.contextmanager
def placeholder_resources(types: tuple[str, ...] = UNSUPPORTED_BY_MOTO_CLOUDFORMATION) -> Iterator[dict[str, list[_Placeholder]]]:
    """Within the block, moto's CloudFormation 'creates' ``types`` as inert placeholders.

    Yields {type: [placeholders created]} so a test can see what was only stood in for.
    Types moto supports by then are left to moto.
    """
    from moto.cloudformation import parsing
    from moto.core.common_models import CloudFormationModel

    created: dict[str, list[_Placeholder]] = {}
    supported = set(parsing.get_model_map())
    classes = []
    for resource_type in types:
        if resource_type in supported:
            continue

        def create(cls, resource_name, cloudformation_json, account_id, region_name, _type=resource_type, **kwargs):
            placeholder = _Placeholder(_type, resource_name, cloudformation_json.get("Properties", {}))
            created.setdefault(_type, []).append(placeholder)
            return placeholder

        def update(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name, _type=resource_type):
            return _Placeholder(_type, new_resource_name, cloudformation_json.get("Properties", {}))

        def delete(cls, resource_name, cloudformation_json, account_id, region_name):
            return None

        classes.append(type(
            "Placeholder_" + resource_type.replace("::", "_"),
            (CloudFormationModel,),
            {
                # moto's InstanceTrackerMeta files every model class under model_data[<2nd part of
                # __module__>] for good; a module of our own lets the block remove them again.
                "__module__": f"tests.{_MODEL_DATA_KEY}",
                "cloudformation_type": staticmethod(lambda _type=resource_type: _type),
                "cloudformation_name_type": staticmethod(lambda: ""),
                "has_cfn_attr": classmethod(lambda cls, attr: True),
                "create_from_cloudformation_json": classmethod(create),
                "update_from_cloudformation_json": classmethod(update),
                "delete_from_cloudformation_json": classmethod(delete),
            },
        ))
    _clear_model_caches(parsing)
    try:
        yield created
    finally:
        from moto.core.base_backend import model_data

        model_data.pop(_MODEL_DATA_KEY, None)
        classes.clear()
        _clear_model_caches(parsing)  # the cached maps hold the classes: drop them before collecting
        gc.collect()


def _clear_model_caches(parsing: Any) -> None:
    for function in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        function.cache_clear()


# ---------------------------------------------------------------- Step Functions interpreter


def patch_state_machine_services(
    monkeypatch: Any,
    lambda_handlers: Mapping[str, Callable[[dict], Any]],
    redshift_outcome: Callable[[], tuple[str, str | None]] = lambda: ("FINISHED", None),
) -> dict[str, list]:
    """Make moto's Step Functions interpreter able to run our definition in-process.

    * ``aws-sdk:redshiftdata:*``: the interpreter builds ``boto3.client("redshiftdata")`` from the
      ARN's service name, but boto3 calls the service "redshift-data" (moto's
      StateTaskService._SERVICE_NAME_SFN_TO_BOTO_OVERRIDES maps only sfn/states). Added here.
    * moto's Redshift Data API has no BatchExecuteStatement, and its statements stay "STARTED"
      forever (moto/redshiftdata/models.py); a batch is recorded here and given the status of
      ``redshift_outcome()`` -> (status, error).
    * Lambda: with moto's docker-less Lambda ({"lambda": {"use_docker": False}}) every invocation
      echoes its payload; here it runs our handler in-process instead, and a raised exception
      becomes an "Unhandled" function error with errorType = the exception's class name, as on AWS.

    * ``glue:startJobRun.sync``: moto's interpreter (ported from LocalStack) ends every .sync task
      with ``callback_endpoint.interrupt_all()`` although only tasks that support
      .waitForTaskToken get an endpoint, so every Glue .sync task dies with "'NoneType' object has
      no attribute 'interrupt_all'" (fixed upstream by localstack/localstack#13705, not yet in
      moto 5.2.5). Declaring the token pattern for Glue makes the interpreter create the endpoint;
      the .sync polling of GetJobRun is then moto's own.

    Returns the recorded calls: {"lambda": [(function, event)], "redshift": [sqls]}.
    """
    from moto.awslambda_simple.models import LambdaSimpleBackend
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import state_task_service_glue
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.resource import ResourceCondition
    from moto.redshiftdata.models import Statement, redshiftdata_backends
    from moto.redshiftdata.responses import RedshiftDataAPIServiceResponse
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service import (
        StateTaskService,
    )

    calls: dict[str, list] = {"lambda": [], "redshift": []}
    monkeypatch.setattr(
        state_task_service_glue,
        "_SUPPORTED_INTEGRATION_PATTERNS",
        {ResourceCondition.Sync, ResourceCondition.WaitForTaskToken},
    )
    monkeypatch.setitem(StateTaskService._SERVICE_NAME_SFN_TO_BOTO_OVERRIDES, "redshiftdata", "redshift-data")

    def batch_execute_statement(self):
        sqls = self._get_param("Sqls")
        calls["redshift"].append(sqls)
        statement = Statement(
            cluster_identifier=self._get_param("ClusterIdentifier") or "",
            database=self._get_param("Database"),
            db_user=self._get_param("DbUser") or "",
            query_parameters=[],
            query_string=";\n".join(sqls),
            secret_arn=self._get_param("SecretArn"),
        )
        status, error = redshift_outcome()
        statement.status = status
        statement.sub_statements = []
        if error:
            statement.error = error
        redshiftdata_backends[self.current_account][self.region].statements[statement.id] = statement
        return json.dumps({"Id": statement.id, "Database": statement.database, "CreatedAt": statement.created_at})

    original_iter = Statement.__iter__

    def statement_items(self):
        yield from original_iter(self)
        if getattr(self, "error", None):
            yield "Error", self.error

    monkeypatch.setattr(RedshiftDataAPIServiceResponse, "batch_execute_statement", batch_execute_statement, raising=False)
    monkeypatch.setattr(Statement, "__iter__", statement_items)

    def invoke(self, function_name, qualifier, body, headers, response_headers):
        name = function_name.rsplit(":", 1)[-1]
        handler = lambda_handlers[name]
        event = json.loads(body) if body else {}
        calls["lambda"].append((name, event))
        try:
            result = handler(event)
        except Exception as error:  # noqa: BLE001 - turned into a Lambda function error, like AWS does
            response_headers["x-amz-function-error"] = "Unhandled"
            return json.dumps({"errorType": type(error).__name__, "errorMessage": str(error)}).encode()
        return json.dumps(result).encode()

    monkeypatch.setattr(LambdaSimpleBackend, "invoke", invoke)
    return calls


def fail_glue_job_runs(monkeypatch: Any, job_name: str, message: str = "job failed") -> None:
    """Runs of ``job_name`` end FAILED. moto's Glue job runs only ever go STARTING -> RUNNING ->
    SUCCEEDED (moto/glue/models.py FakeJobRun; the state manager cannot reach FAILED)."""
    from moto.glue.models import GlueBackend

    original = GlueBackend.start_job_run

    def start_job_run(self, name, *args, **kwargs):
        run_id = original(self, name, *args, **kwargs)
        if name == job_name:
            run = self.get_job_run(name, run_id)
            run.status = "FAILED"
            run.error_message = message
        return run_id

    monkeypatch.setattr(GlueBackend, "start_job_run", start_job_run)


def python_without_site() -> list[str]:
    """A Python command that sees the standard library but no site-packages (-S): an import that
    works under it comes from the working directory, i.e. from an unpacked artefact."""
    return [sys.executable, "-S"]


def termination_protection(monkeypatch: Any) -> None:
    """moto 5.2.5's CloudFormation has no UpdateTerminationProtection (it raises NotImplementedError,
    "The update_termination_protection action has not been implemented"), although its stacks keep
    the flag that CreateStack sets and DescribeStacks reports. Added here, on that flag."""
    from moto.cloudformation.models import cloudformation_backends
    from moto.cloudformation.responses import CloudFormationResponse

    def update_termination_protection(self):
        name = self._get_param("StackName")
        stack = cloudformation_backends[self.current_account][self.region].get_stack(name)
        stack.enable_termination_protection = self._get_param("EnableTerminationProtection") in (True, "true")
        return (f'<UpdateTerminationProtectionResponse><UpdateTerminationProtectionResult><StackId>{stack.stack_id}'
                '</StackId></UpdateTerminationProtectionResult></UpdateTerminationProtectionResponse>')

    monkeypatch.setattr(CloudFormationResponse, "update_termination_protection", update_termination_protection,
                        raising=False)


def conditions_on_update(monkeypatch: Any) -> None:
    """moto 5.2.5 creates a resource only when its Condition holds (parse_and_create_resource), but on
    a stack update it updates every resource of the template, those whose Condition is false too,
    so the update of a never-created conditional AWS::IAM::Policy fails with "'NoneType' object has
    no attribute 'name'" (moto/cloudformation/parsing.py parse_and_update_resource). Here a resource
    whose Condition is false is left alone on update, as on create."""
    from moto.cloudformation import parsing

    original = parsing.parse_and_update_resource

    def parse_and_update_resource(logical_id, resource_json, resources_map, account_id, region_name):
        condition = resource_json.get("Condition") if isinstance(resource_json, dict) else None
        if condition and not resources_map.lazy_condition_map[condition]:
            return None
        return original(logical_id, resource_json, resources_map, account_id, region_name)

    monkeypatch.setattr(parsing, "parse_and_update_resource", parse_and_update_resource)
