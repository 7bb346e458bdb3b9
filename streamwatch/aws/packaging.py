"""Build the deployable artefacts of streamwatch into one directory (``dist/`` by default).

Layout of the output, mirrored under ``s3://<artifact bucket>/<stack>/<build id>/`` by deploy:

    manifest.json                      build id, and sha256 + size of every artefact
    cloudformation/streamwatch.yaml    the stack template
    cloudformation/stack_policy*.json  the stack policies deploy sets (infra/stackpolicy)
    statemachine/daily_batch.asl.json  the workflow, unchanged (DefinitionSubstitutions fill it)
    flink/streamwatch-flink.zip        Managed Flink code: main.py, flink_app/, lib/<jar>, vendored deps
    glue/jobs/<job>.py                 Glue job scripts (batch/jobs/*.py)
    glue/batch.zip                     the batch package, for --extra-py-files
    glue/shell_jobs/<job>.py           Glue Python shell job scripts (batch/shell_jobs/*.py)
    glue/streamwatch_batch_shell-...whl  the modules they import, as a wheel: Python shell jobs on
                                       Python 3.9 take --extra-py-files as .whl (pyarrow comes from
                                       the job's analytics library set)
    lambda/batch_ops.zip               the Lambda bundle: infra/lambda/batch_ops, the warehouse modules
                                       it uses, sql/redshift, and sqlglot

Zips are deterministic (sorted entries, fixed timestamps), so an unchanged tree gives the same
build id. Nothing here talks to AWS.
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import importlib.metadata
import json
import shutil
import sys
import zipfile
from pathlib import Path, PurePosixPath
from typing import Iterable

REPO_ROOT = Path(__file__).resolve().parents[2]
JAR_NAME = "streamwatch-connectors.jar"
FLINK_ZIP = "flink/streamwatch-flink.zip"
LAMBDA_ZIP = "lambda/batch_ops.zip"
GLUE_PACKAGE_ZIP = "glue/batch.zip"
# The wheel of the Python shell jobs (batch/shell_jobs): only the modules they import, which must
# need nothing beyond what Glue's Python 3.9 "analytics" library set provides.
SHELL_WHEEL_NAME, SHELL_WHEEL_VERSION = "streamwatch_batch_shell", "1.0"
GLUE_SHELL_WHEEL = f"glue/{SHELL_WHEEL_NAME}-{SHELL_WHEEL_VERSION}-py3-none-any.whl"
GLUE_SHELL_JOBS = ("compact_day",)
PROVIDED_BY_GLUE_SHELL = frozenset({"pyarrow", "boto3", "botocore", "awsglue"})  # awsglue.utils is there too
TEMPLATE = "cloudformation/streamwatch.yaml"
STATE_MACHINE = "statemachine/daily_batch.asl.json"
# The stack policy deploy sets after every create or update (deny replacing or deleting what holds
# data), and the one it sets for the length of an update run with --allow-replace.
STACK_POLICY = "cloudformation/stack_policy.json"
STACK_POLICY_DURING_REPLACEMENT = "cloudformation/stack_policy_during_replacement.json"
MANIFEST = "manifest.json"

# The Glue jobs the template defines; their scripts are expected in batch/jobs/.
GLUE_JOBS = ("daily_user_engagement", "daily_title_popularity", "daily_device_summary", "dim_title")
# Modules the Managed Flink runtime provides: never vendored into the zip.
PROVIDED_BY_FLINK_RUNTIME = frozenset({"pyflink", "py4j"})
# Modules the Lambda Python runtime provides.
PROVIDED_BY_LAMBDA_RUNTIME = frozenset({"boto3", "botocore"})
# Repository packages the Lambda bundle may take modules from.
SHARED_PACKAGES = ("warehouse", "batch")  # batch: only the pure modules the Lambdas import (completeness, event_contract)
# Files of flink_app/ that belong in the zip (no build output, no Maven files).
FLINK_APP_SUFFIXES = frozenset({".py", ".sql", ".json", ".properties"})
FLINK_APP_SKIP_DIRS = frozenset({"target", "__pycache__", ".pytest_cache"})
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


class PackagingError(RuntimeError):
    """An input of the build is missing or unusable; the message says which and how to fix it."""


@dataclasses.dataclass(frozen=True)
class Artifact:
    path: str  # relative to the output directory, POSIX
    sha256: str
    size: int


@dataclasses.dataclass(frozen=True)
class PackageResult:
    out_dir: Path
    build_id: str
    artifacts: tuple[Artifact, ...]
    warnings: tuple[str, ...]

    def artifact(self, path: str) -> Artifact:
        for artifact in self.artifacts:
            if artifact.path == path:
                return artifact
        raise KeyError(path)


def default_jar(repo_root: Path = REPO_ROOT) -> Path:
    return repo_root / "flink_app" / "target" / JAR_NAME


def build(out_dir: Path, repo_root: Path = REPO_ROOT, jar: Path | None = None) -> PackageResult:
    """Write every artefact into ``out_dir`` (emptied first) and return what was written."""
    repo_root = repo_root.resolve()
    jar = jar or default_jar(repo_root)
    if not jar.is_file():
        raise PackagingError(
            f"connector jar not found at {jar}; build it with `make jar` (mvn -f flink_app/pom.xml package)"
        )
    out_dir = out_dir.resolve()
    if out_dir == repo_root or repo_root.is_relative_to(out_dir):
        raise PackagingError(f"refusing to use {out_dir} as the output directory: it contains the repository")
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)

    warnings: list[str] = []
    _copy(repo_root / "infra" / "cloudformation" / "streamwatch.yaml", out_dir / TEMPLATE)
    _copy(repo_root / "infra" / "statemachine" / "daily_batch.asl.json", out_dir / STATE_MACHINE)
    _copy(repo_root / "infra" / "stackpolicy" / "streamwatch.json", out_dir / STACK_POLICY)
    _copy(repo_root / "infra" / "stackpolicy" / "during_replacement.json", out_dir / STACK_POLICY_DURING_REPLACEMENT)
    write_zip(out_dir / FLINK_ZIP, flink_zip_entries(repo_root, jar))
    write_zip(out_dir / LAMBDA_ZIP, lambda_zip_entries(repo_root))
    warnings += _package_batch(repo_root, out_dir)

    artifacts = tuple(
        Artifact(path.relative_to(out_dir).as_posix(), _sha256(path), path.stat().st_size)
        for path in sorted(out_dir.rglob("*"))
        if path.is_file()
    )
    build_id = _build_id(artifacts)
    manifest = {
        "build_id": build_id,
        "artifacts": {a.path: {"sha256": a.sha256, "bytes": a.size} for a in artifacts},
        "flink_state_layout": flink_state_layout(repo_root),
        "warnings": warnings,
    }
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return PackageResult(out_dir, build_id, artifacts, tuple(warnings))


# What shapes the streaming job's state: its SQL, its Java, the plan that ties them together, and the
# pom that picks the connector versions (a Kinesis connector upgrade may store its shard positions
# differently). A build that changes none of these restores from the running job's snapshot for
# sure; one that changes any of them may not (docs/operations.md, "Changing the streaming job").
STATE_LAYOUT_SOURCES = ("flink_app/sql/*.sql", "flink_app/src/main/java/**/*.java", "flink_app/job.py",
                        "flink_app/pom.xml")


def flink_state_layout(repo_root: Path = REPO_ROOT) -> str:
    """A hash of the files that shape the streaming job's state (STATE_LAYOUT_SOURCES)."""
    digest = hashlib.sha256()
    files = sorted({path for pattern in STATE_LAYOUT_SOURCES for path in repo_root.glob(pattern) if path.is_file()})
    for path in files:
        digest.update(path.relative_to(repo_root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def read_manifest(dist: Path) -> dict:
    path = dist / MANIFEST
    if not path.is_file():
        raise PackagingError(f"{path} not found: run `streamwatch package` first")
    return json.loads(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- Managed Flink zip


def flink_zip_entries(repo_root: Path, jar: Path) -> list[tuple[str, Path]]:
    """(name in zip, source file) of the Managed Flink application zip.

    ``main.py`` at the root (the python run option), the ``flink_app`` package beside it, the
    connector jar at ``lib/`` (the jarfile run option), and the third-party pure-Python packages
    the job imports at the root, where ``main.py``'s directory puts them on ``sys.path``.
    """
    app_dir = repo_root / "flink_app"
    entries: list[tuple[str, Path]] = [("main.py", app_dir / "main.py")]
    for path in sorted(app_dir.rglob("*")):
        relative = path.relative_to(app_dir)
        if not path.is_file() or path.suffix not in FLINK_APP_SUFFIXES:
            continue
        if any(part in FLINK_APP_SKIP_DIRS for part in relative.parts[:-1]):
            continue
        entries.append((f"flink_app/{relative.as_posix()}", path))
    entries.append((f"lib/{JAR_NAME}", jar))
    python_files = [path for _, path in entries if path.suffix == ".py"]
    for module in sorted(third_party_imports(python_files, own={"flink_app", "main"}, provided=PROVIDED_BY_FLINK_RUNTIME)):
        entries.extend(vendored_entries(module))
    return _unique(entries)


def imported_top_level_modules(files: Iterable[Path]) -> set[str]:
    """Top-level names of every absolute import in ``files`` (including function-level ones)."""
    names: set[str] = set()
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names


def third_party_imports(files: Iterable[Path], own: Iterable[str], provided: Iterable[str]) -> set[str]:
    """Imports that neither the standard library, the code's ``own`` modules nor the runtime provide."""
    skip = set(own) | set(provided) | {"__future__"}
    return {name for name in imported_top_level_modules(files) if name not in sys.stdlib_module_names and name not in skip}


def vendored_entries(module: str) -> list[tuple[str, Path]]:
    """Zip entries of the distribution providing ``module`` and of its (non-optional) requirements.

    Compiled extensions are left out: the zip must not depend on this machine's platform, so a
    vendored package has to work in pure Python (Jinja2 and MarkupSafe do).
    """
    distributions = importlib.metadata.packages_distributions().get(module)
    if not distributions:
        raise PackagingError(f"the Flink job imports {module!r}, which is not installed here to be vendored")
    entries: list[tuple[str, Path]] = []
    for name in _with_requirements(distributions[0]):
        entries.extend(_distribution_files(importlib.metadata.distribution(name)))
    return entries


def _with_requirements(name: str) -> list[str]:
    from packaging.requirements import Requirement

    seen: list[str] = []
    pending = [name]
    while pending:
        current = pending.pop()
        if current.lower() in (s.lower() for s in seen):
            continue
        seen.append(current)
        for text in importlib.metadata.requires(current) or []:
            requirement = Requirement(text)
            if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
                continue
            pending.append(requirement.name)
    return seen


def _distribution_files(distribution: importlib.metadata.Distribution) -> list[tuple[str, Path]]:
    entries = []
    for file in distribution.files or []:
        parts = PurePosixPath(str(file)).parts
        if not parts or parts[0].startswith("..") or "__pycache__" in parts:
            continue
        if file.suffix in (".so", ".pyd", ".pyc", ".c") or parts[-1] in ("RECORD", "INSTALLER", "REQUESTED"):
            continue
        if parts[0].endswith(".dist-info") and "licenses" not in parts and parts[-1] not in ("METADATA", "LICENSE", "LICENSE.txt"):
            continue
        source = Path(str(distribution.locate_file(file)))
        if source.is_file():
            entries.append(("/".join(parts), source))
    if not entries:
        raise PackagingError(f"no files found for the distribution {distribution.metadata['Name']}")
    return entries


# ---------------------------------------------------------------- Glue, Lambda, Redshift SQL


def lambda_zip_entries(repo_root: Path) -> list[tuple[str, Path]]:
    """(name in zip, source file) of the Lambda bundle.

    The handlers of infra/lambda/batch_ops at the root; the modules of the ``warehouse`` package they
    import (so the load is prepared by the same code as ``streamwatch load``); the Redshift SQL under
    ``sql/redshift``; and the pure-Python packages imported that the Lambda runtime lacks (sqlglot).
    """
    source = repo_root / "infra" / "lambda" / "batch_ops"
    entries = [(path.name, path) for path in sorted(source.iterdir()) if path.suffix in (".py", ".sql")]
    handlers = [path for _, path in entries if path.suffix == ".py"]
    if not handlers:
        raise PackagingError(f"no Lambda code in {source}")
    entries += local_module_closure(handlers, repo_root, SHARED_PACKAGES)
    sql_root = repo_root / "sql" / "redshift"
    # migrations/ holds a directory per version; state/ the queries that tell which ones a warehouse lacks
    sql_files = [path for kind in ("ddl", "load", "views", "state", "migrations")
                 for path in sorted((sql_root / kind).rglob("*.sql"))]
    if not any(path.parent.name == "load" for path in sql_files):
        raise PackagingError(f"no load SQL in {sql_root / 'load'}: the workflow's load step needs it")
    entries += [(f"sql/redshift/{path.relative_to(sql_root).as_posix()}", path) for path in sql_files]
    # the views generated from Athena queries (warehouse/view_sql.py) need those queries
    from warehouse.view_sql import GENERATED_FROM_ATHENA

    queries = sorted({repo_root / "sql" / "athena" / "queries" / f"{q}.sql" for q in GENERATED_FROM_ATHENA.values()})
    entries += [(f"sql/athena/queries/{path.name}", path) for path in queries]
    python_files = [path for _, path in entries if path.suffix == ".py"]
    own = {path.stem for path in handlers} | set(SHARED_PACKAGES)
    for module in sorted(third_party_imports(python_files, own=own, provided=PROVIDED_BY_LAMBDA_RUNTIME)):
        entries.extend(vendored_entries(module))
    return _unique(entries)


def local_module_closure(files: Iterable[Path], repo_root: Path, packages: Iterable[str]) -> list[tuple[str, Path]]:
    """The modules of the repository's ``packages`` that ``files`` import, directly or through each other."""
    packages = tuple(packages)
    found: dict[str, Path] = {}
    pending = list(files)
    while pending:
        tree = ast.parse(pending.pop().read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] not in packages:
                    continue
                for depth in range(1, len(parts) + 1):
                    module = repo_root.joinpath(*parts[:depth])
                    for candidate in (module / "__init__.py", module.with_suffix(".py")):
                        relative = candidate.relative_to(repo_root).as_posix()
                        if candidate.is_file() and relative not in found:
                            found[relative] = candidate
                            pending.append(candidate)
    return sorted(found.items())


def _package_batch(repo_root: Path, out_dir: Path) -> list[str]:
    batch = repo_root / "batch"
    warnings = []
    for job in GLUE_JOBS:
        script = batch / "jobs" / f"{job}.py"
        if script.is_file():
            _copy(script, out_dir / "glue" / "jobs" / script.name)
        else:
            warnings.append(f"Glue job script {script.relative_to(repo_root)} is missing: the {job} job would fail")
    for script in sorted((batch / "jobs").glob("*.py")) if (batch / "jobs").is_dir() else []:
        if script.stem not in GLUE_JOBS and script.name != "__init__.py":
            _copy(script, out_dir / "glue" / "jobs" / script.name)
    modules = [
        (path.relative_to(repo_root).as_posix(), path)
        for path in sorted(batch.rglob("*.py"))
        if "__pycache__" not in path.parts and "tests" not in path.relative_to(batch).parts
    ] if batch.is_dir() else []
    if modules:
        write_zip(out_dir / GLUE_PACKAGE_ZIP, modules)
    else:
        warnings.append("no batch/ package found: glue/batch.zip (--extra-py-files) is not built")
    scripts = []
    for job in GLUE_SHELL_JOBS:
        script = batch / "shell_jobs" / f"{job}.py"
        if not script.is_file():
            raise PackagingError(f"Glue Python shell job script {script} not found")
        _copy(script, out_dir / "glue" / "shell_jobs" / script.name)
        scripts.append(script)
    write_wheel(out_dir / GLUE_SHELL_WHEEL, shell_wheel_entries(repo_root, scripts))
    return warnings


def shell_wheel_entries(repo_root: Path, scripts: list[Path]) -> list[tuple[str, Path]]:
    """The repository modules the Python shell ``scripts`` import, directly or through each other;
    a PackagingError if they import a third-party module Glue's analytics library set lacks."""
    entries = local_module_closure(scripts, repo_root, SHARED_PACKAGES)
    extra = third_party_imports([path for _, path in entries] + list(scripts), own=SHARED_PACKAGES,
                                provided=PROVIDED_BY_GLUE_SHELL)
    if extra:
        raise PackagingError(f"the Glue Python shell jobs would import {sorted(extra)}, which the Python 3.9 "
                             "analytics library set does not provide; keep those imports out of their modules")
    return entries


def write_wheel(path: Path, entries: list[tuple[str, Path]]) -> None:
    """A deterministic pure-Python wheel of ``entries`` (PEP 427: METADATA, WHEEL and RECORD)."""
    import base64

    name, version = SHELL_WHEEL_NAME, SHELL_WHEEL_VERSION
    info = f"{name}-{version}.dist-info"
    texts = {
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
                            "Summary: streamwatch batch modules for Glue Python shell jobs\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: streamwatch.aws.packaging\nRoot-Is-Purelib: true\n"
                         "Tag: py3-none-any\n",
    }
    records = []
    contents = [(n, source.read_bytes()) for n, source in sorted(_unique(entries))]
    contents += [(n, text.encode("utf-8")) for n, text in texts.items()]
    for entry_name, data in contents:
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        records.append(f"{entry_name},sha256={digest},{len(data)}")
    records.append(f"{info}/RECORD,,")
    contents.append((f"{info}/RECORD", ("\n".join(records) + "\n").encode("utf-8")))
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        for entry_name, data in contents:
            entry = zipfile.ZipInfo(entry_name, date_time=_ZIP_DATE)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, data)


# ---------------------------------------------------------------- helpers


def write_zip(path: Path, entries: list[tuple[str, Path]]) -> None:
    """A deterministic zip: sorted names, fixed timestamps; jars stored (already compressed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        for name, source in sorted(_unique(entries)):
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_STORED if source.suffix in (".jar", ".zip") else zipfile.ZIP_DEFLATED
            with source.open("rb") as reader, archive.open(info, "w", force_zip64=True) as writer:
                shutil.copyfileobj(reader, writer, 1 << 20)


def _unique(entries: list[tuple[str, Path]]) -> list[tuple[str, Path]]:
    chosen: dict[str, Path] = {}
    for name, source in entries:
        if name in chosen and chosen[name].resolve() != source.resolve():
            raise PackagingError(f"two files want the same place {name}: {chosen[name]} and {source}")
        chosen[name] = source
    return list(chosen.items())


def _copy(source: Path, target: Path) -> None:
    if not source.is_file():
        raise PackagingError(f"{source} not found")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as reader:
        for block in iter(lambda: reader.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _build_id(artifacts: Iterable[Artifact]) -> str:
    digest = hashlib.sha256()
    for artifact in sorted(artifacts, key=lambda a: a.path):
        digest.update(f"{artifact.path}\0{artifact.sha256}\n".encode())
    return digest.hexdigest()[:16]
