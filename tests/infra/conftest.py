"""Fixtures of the infra tests: the template and the workflow parsed once, the lint tools run once
per session (checkov is slow), the Lambda modules loaded by path, moto credentials."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from streamwatch.aws.deploy import load_template

REPO_ROOT = Path(__file__).resolve().parents[2]
INFRA = REPO_ROOT / "infra"
TEMPLATE_DIR = INFRA / "cloudformation"
ASL_PATH = INFRA / "statemachine" / "daily_batch.asl.json"
LAMBDA_DIR = INFRA / "lambda" / "batch_ops"
WORKAROUNDS = Path(__file__).with_name("moto_workarounds.py")


def _load(path: Path, name: str):
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def moto_workarounds():
    return _load(WORKAROUNDS, "_sw_moto_workarounds")


@pytest.fixture(scope="session")
def template_paths() -> list[Path]:
    paths = sorted(TEMPLATE_DIR.glob("*.yaml"))
    assert paths, f"no templates in {TEMPLATE_DIR}"
    return paths


@pytest.fixture(scope="session")
def template() -> dict:
    return load_template((TEMPLATE_DIR / "streamwatch.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def asl_text() -> str:
    return ASL_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def asl(asl_text) -> dict:
    return json.loads(asl_text)


def _tool(name: str) -> str:
    candidate = Path(sys.executable).with_name(name)
    found = str(candidate) if candidate.exists() else shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed (pip install '.[test]')")
    return found


@pytest.fixture(scope="session")
def cfn_lint_result(template_paths) -> subprocess.CompletedProcess:
    return subprocess.run(
        [_tool("cfn-lint"), "--format", "parseable", *map(str, template_paths)],
        capture_output=True, text=True, timeout=300,
    )


@pytest.fixture(scope="session")
def checkov_report() -> dict:
    """One checkov run over infra/cloudformation (JSON report; no network: --skip-download)."""
    # The directory is given relative to the repository: with an absolute path under /tmp (where
    # CI may clone), checkov 3.2's CKV_AWS_45 reports the Lambda environments as hard-coded secrets.
    completed = subprocess.run(
        [_tool("checkov"), "-d", str(TEMPLATE_DIR.relative_to(REPO_ROOT)), "--framework", "cloudformation",
         "--skip-download", "--output", "json"],
        capture_output=True, text=True, timeout=600, cwd=REPO_ROOT,
    )
    try:
        report = json.loads(completed.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"checkov gave no JSON report (exit {completed.returncode}):\n{completed.stderr[-3000:]}")
    return report[0] if isinstance(report, list) else report


@pytest.fixture()
def lambda_module(monkeypatch):
    """Load infra/lambda/batch_ops/<name>.py as the Lambda runtime would: the bundle puts the
    ``warehouse`` package beside the handlers, so the repository root goes on sys.path here."""
    monkeypatch.syspath_prepend(str(REPO_ROOT))
    monkeypatch.syspath_prepend(str(LAMBDA_DIR))  # the handlers import their siblings, as at the zip's root
    monkeypatch.setenv("STREAMWATCH_SQL_DIR", str(REPO_ROOT / "sql"))

    def load(name: str):
        return _load(LAMBDA_DIR / f"{name}.py", f"_sw_lambda_{name}")

    return load


@pytest.fixture()
def aws_credentials(monkeypatch):
    """Fake credentials and a region, so nothing can reach a real account."""
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
