"""``streamwatch package``: the artefacts, the Managed Flink zip layout, and that every module the
job and the Lambdas import is in their archives (checked by importing them from the unpacked
archive with ``python -S``, i.e. without this machine's site-packages)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from streamwatch.aws import packaging
from streamwatch.cli import main

REPO_ROOT = Path(__file__).resolve().parents[3]
REAL_JAR = REPO_ROOT / "flink_app" / "target" / packaging.JAR_NAME


@pytest.fixture(scope="module")
def jar(tmp_path_factory) -> Path:
    """The real shaded jar when it has been built (make jar); else a small stand-in jar."""
    if REAL_JAR.is_file():
        return REAL_JAR
    stand_in = tmp_path_factory.mktemp("jar") / packaging.JAR_NAME
    with zipfile.ZipFile(stand_in, "w") as archive:
        archive.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n")
    return stand_in


@pytest.fixture(scope="module")
def dist(tmp_path_factory, jar) -> Path:
    out = tmp_path_factory.mktemp("package") / "dist"
    result = CliRunner().invoke(main, ["package", "--out", str(out), "--jar", str(jar)])
    assert result.exit_code == 0, result.output
    assert "build " in result.output
    return out


def unpack(archive: Path, target: Path) -> Path:
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(target)
    return target


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_isolated(code: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """Python without site-packages (-S), in ``cwd``: imports resolve from the unpacked archive or
    the standard library only."""
    environment = {"PATH": os.environ.get("PATH", ""), **env}
    return subprocess.run([sys.executable, "-S", "-c", code], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_help_has_an_example():
    result = CliRunner().invoke(main, ["package", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "streamwatch package" in result.output


def test_manifest_lists_every_artefact_with_its_hash(dist):
    manifest = json.loads((dist / "manifest.json").read_text())
    files = {p.relative_to(dist).as_posix() for p in dist.rglob("*") if p.is_file()} - {"manifest.json"}
    assert set(manifest["artifacts"]) == files
    for relative, facts in manifest["artifacts"].items():
        assert facts["sha256"] == sha256(dist / relative), relative
    assert {packaging.FLINK_ZIP, packaging.LAMBDA_ZIP, packaging.TEMPLATE, packaging.STATE_MACHINE} <= files
    assert (dist / packaging.STATE_MACHINE).read_bytes() == (REPO_ROOT / "infra/statemachine/daily_batch.asl.json").read_bytes()
    assert len(manifest["build_id"]) == 16


def test_flink_zip_has_the_managed_flink_layout(dist, jar):
    with zipfile.ZipFile(dist / packaging.FLINK_ZIP) as archive:
        names = set(archive.namelist())
        assert archive.read("main.py") == (REPO_ROOT / "flink_app" / "main.py").read_bytes()
        jar_entry = archive.getinfo(f"lib/{packaging.JAR_NAME}")
        assert jar_entry.file_size == jar.stat().st_size
        assert hashlib.sha256(archive.read(jar_entry)).hexdigest() == sha256(jar)
    app = REPO_ROOT / "flink_app"
    expected = {f"flink_app/{p.relative_to(app).as_posix()}" for p in app.rglob("*.py") if "target" not in p.parts}
    expected |= {f"flink_app/sql/{p.name}" for p in (app / "sql").glob("*.sql")}
    expected.add("flink_app/application_properties.json")
    assert expected <= names
    assert not any(n.startswith(("flink_app/target/", "target/")) or n.endswith((".pyc", ".so", "pom.xml")) for n in names)
    assert [n for n in names if n.endswith(".jar")] == [f"lib/{packaging.JAR_NAME}"]


def test_flink_zip_run_options_point_into_the_zip(dist):
    properties = json.loads((REPO_ROOT / "flink_app" / "application_properties.json").read_text())
    [run_options] = [g["PropertyMap"] for g in properties if g["PropertyGroupId"] == "kinesis.analytics.flink.run.options"]
    with zipfile.ZipFile(dist / packaging.FLINK_ZIP) as archive:
        names = set(archive.namelist())
    assert run_options["python"] in names and run_options["jarfile"] in names


def test_every_module_main_py_imports_is_in_the_flink_zip(dist, tmp_path):
    root = unpack(dist / packaging.FLINK_ZIP, tmp_path / "flink")
    # Every import of the job's Python files is the standard library, the runtime's pyflink, or a
    # top-level module/package of the zip.
    zip_top = {p.stem if p.suffix == ".py" else p.name for p in root.iterdir()}
    python_files = [root / "main.py", *sorted((root / "flink_app").rglob("*.py"))]
    for module in packaging.imported_top_level_modules(python_files):
        assert module in sys.stdlib_module_names or module in packaging.PROVIDED_BY_FLINK_RUNTIME or module in zip_top, module
    # And they import and plan the job from the zip alone (pyflink is only needed to execute it).
    code = (
        "import main, jinja2, flink_app, flink_app.job as job\n"
        "from flink_app.config import load_config\n"
        "root = __import__('os').getcwd()\n"
        "assert jinja2.__file__.startswith(root) and flink_app.__file__.startswith(root), (jinja2.__file__, flink_app.__file__)\n"
        "plan = job.plan(load_config('flink_app/application_properties.json'))\n"
        "print(len(plan.ddl), len(plan.inserts))\n"
    )
    result = run_isolated(code, root)
    assert result.returncode == 0, result.stderr
    ddl, inserts = map(int, result.stdout.split())
    assert ddl > 0 and inserts > 0


def test_lambda_bundle_prepares_a_load_from_the_bundle_alone(dist, tmp_path):
    root = unpack(dist / packaging.LAMBDA_ZIP, tmp_path / "lambda")
    assert {"run_date.py", "load_statements.py", "data_quality.py", "data_quality.sql", "stream_progress.py",
            "stream_progress.sql", "raw_fields.py", "raw_sample_fields.sql", "athena_query.py"} <= {
        p.name for p in root.iterdir()}
    # of the batch package, only the pure modules the Lambdas import travel (no Spark code)
    assert sorted(p.name for p in (root / "batch").iterdir()) == ["__init__.py", "completeness.py", "event_contract.py"]
    assert (root / "sql" / "redshift" / "load").is_dir()
    code = (
        "import os, run_date, data_quality, load_statements, stream_progress, raw_fields, sqlglot, warehouse\n"
        "from batch.completeness import StreamProgress\n"
        "assert stream_progress.day_verdict('2024-03-09', StreamProgress(None, {})).complete\n"
        "root = os.getcwd()\n"
        "assert sqlglot.__file__.startswith(root) and warehouse.__file__.startswith(root)\n"
        "class Lake:\n"
        "    def data_files(self, uri): return [uri + 'part-0.parquet']\n"
        "statements = load_statements.statements_for_day('2024-03-09', 's3://lake', 'arn:aws:iam::1:role/r', Lake())\n"
        "assert any(sql.startswith('COPY') for _, sql in statements)\n"
        "from warehouse.migrations import SchemaState\n"
        "migrating = load_statements.schema_update(SchemaState(frozenset({'dim_title', 'fact_user_daily'})))\n"
        "assert any(name.endswith('/record_schema_version') for name, _ in migrating), migrating\n"
        "assert len(migrating) <= 40\n"
        "import day_lock\n"
        "assert raw_fields.SAMPLE_QUERY.read_text().count('?') == raw_fields.PATH_SLOTS + 1\n"
        "print(len(statements), len(data_quality.query_text()))\n"
    )
    result = run_isolated(code, root, STREAMWATCH_SQL_DIR=str(root / "sql"))
    assert result.returncode == 0, result.stderr
    statements, query = map(int, result.stdout.split())
    assert 0 < statements <= 40 and query > 0


def test_glue_scripts_and_batch_package(dist):
    jobs_dir = REPO_ROOT / "batch" / "jobs"
    for job in packaging.GLUE_JOBS:
        source = jobs_dir / f"{job}.py"
        if source.is_file():
            assert (dist / "glue" / "jobs" / f"{job}.py").read_bytes() == source.read_bytes()
    if (REPO_ROOT / "batch").is_dir():
        with zipfile.ZipFile(dist / packaging.GLUE_PACKAGE_ZIP) as archive:
            names = set(archive.namelist())
        expected = {p.relative_to(REPO_ROOT).as_posix() for p in (REPO_ROOT / "batch").rglob("*.py") if "__pycache__" not in p.parts}
        assert expected == names
        assert "batch/__init__.py" in names


def test_an_unchanged_tree_gives_the_same_build(dist, jar, tmp_path):
    first = json.loads((dist / "manifest.json").read_text())["build_id"]
    again = packaging.build(tmp_path / "again", jar=jar)
    assert again.build_id == first


def test_a_missing_jar_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(packaging, "default_jar", lambda repo_root=None: tmp_path / "nope.jar")
    result = CliRunner().invoke(main, ["package", "--out", str(tmp_path / "dist")])
    assert result.exit_code != 0
    assert "make jar" in result.output


def test_the_output_directory_may_not_hold_the_repository(tmp_path, jar):
    """dist/ is emptied first, so a directory that contains the sources is refused (tried on a
    stand-in repository, so a broken check could only empty tmp_path)."""
    repo = tmp_path / "outer" / "repo"
    repo.mkdir(parents=True)
    (repo / "keep.txt").write_text("x")
    with pytest.raises(packaging.PackagingError, match="contains the repository"):
        packaging.build(tmp_path / "outer", repo_root=repo, jar=jar)
    assert (repo / "keep.txt").exists()


# ---------------------------------------------------------------- a rebuild restarts nothing


def test_the_pom_pins_the_jar_entries_to_a_fixed_instant():
    """Maven stamps each jar entry with project.build.outputTimestamp when it is set; a fixed instant
    (not the build clock) makes two builds of one commit byte-identical, so the Flink zip's hash and
    FlinkArtifactPrefix stay the same and deploying a rebuild does not restart the application."""
    import datetime as dt
    import xml.etree.ElementTree as ElementTree

    pom = ElementTree.parse(REPO_ROOT / "flink_app" / "pom.xml").getroot()
    namespace = {"m": "http://maven.apache.org/POM/4.0.0"}
    value = pom.findtext("m:properties/m:project.build.outputTimestamp", namespaces=namespace)
    assert value is not None, "flink_app/pom.xml sets no project.build.outputTimestamp"
    assert "${" not in value  # a literal, not the build time (${maven.build.timestamp})
    assert dt.datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None


def test_the_same_jar_and_sources_give_the_same_flink_artefact(tmp_path, jar):
    """What the reproducible jar buys: the Flink zip depends only on the jar's bytes and flink_app/,
    so two builds of one tree (with the same jar bytes) hand deploy the same code location."""
    from streamwatch.aws.deploy import group_prefixes

    first = packaging.build(tmp_path / "one", jar=jar)
    copy = tmp_path / "rebuilt" / packaging.JAR_NAME
    copy.parent.mkdir()
    copy.write_bytes(jar.read_bytes())  # a rebuild: another file, the same bytes
    second = packaging.build(tmp_path / "two", jar=copy)
    assert first.artifact(packaging.FLINK_ZIP).sha256 == second.artifact(packaging.FLINK_ZIP).sha256
    manifests = [json.loads((result.out_dir / "manifest.json").read_text()) for result in (first, second)]
    assert group_prefixes("s", manifests[0])["flink"] == group_prefixes("s", manifests[1])["flink"]


def test_a_connector_upgrade_in_the_pom_changes_the_state_layout(tmp_path):
    """The pom chooses the Kinesis connector, whose state (shard positions) a snapshot holds: a pom
    change asks deploy for --flink-restore, like a change of the job's SQL or Java."""
    root = tmp_path / "repo"
    for relative in ("flink_app/sql/a.sql", "flink_app/job.py", "flink_app/pom.xml", "flink_app/config.py"):
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text("v1")
    before = packaging.flink_state_layout(root)
    (root / "flink_app/config.py").write_text("v2")  # not part of the state's shape
    assert packaging.flink_state_layout(root) == before
    (root / "flink_app/pom.xml").write_text("<kinesis.connector.version>5.0.0-1.20</kinesis.connector.version>")
    assert packaging.flink_state_layout(root) != before
    assert "flink_app/pom.xml" in packaging.STATE_LAYOUT_SOURCES


def test_the_python_shell_wheel_installs_and_compacts_a_lake(dist, tmp_path):
    """The compaction job's wheel: pip installs it (a valid wheel), its modules parse as Python 3.9 (the
    Python shell runtime), and the script, importing only from it (plus pyarrow), compacts a lake."""
    import ast

    import pyarrow as pa
    import pyarrow.parquet as pq

    wheel = dist / packaging.GLUE_SHELL_WHEEL
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for name in names:
            if name.endswith(".py"):
                ast.parse(archive.read(name).decode(), feature_version=(3, 9))
    assert {"batch/compaction.py", "warehouse/lake_files.py"} <= names
    assert not any(name.startswith("batch/jobs/") or name in ("batch/storage.py", "batch/spark.py") for name in names)
    assert (dist / "glue" / "shell_jobs" / "compact_day.py").read_bytes() == \
        (REPO_ROOT / "batch" / "shell_jobs" / "compact_day.py").read_bytes()

    target = tmp_path / "site"
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                                "--target", str(target), str(wheel)], capture_output=True, text=True, timeout=120)
    assert installed.returncode == 0, installed.stderr
    lake = tmp_path / "lake"
    partition = lake / "late" / "dt=2026-11-20" / "hr=01"
    partition.mkdir(parents=True)
    for n in range(3):
        pq.write_table(pa.table({"event_id": [f"e{n}"]}), partition / f"part-{n}", compression="zstd")
    script = dist / "glue" / "shell_jobs" / "compact_day.py"
    code = ("import runpy, sys, batch, warehouse\n"
            f"assert batch.__file__.startswith({str(target)!r}), batch.__file__\n"
            f"assert warehouse.__file__.startswith({str(target)!r}), warehouse.__file__\n"
            f"sys.argv = ['compact_day.py', '--dt', '2026-11-20', '--lake_uri', {str(lake)!r}, '--zones', 'late',"
            " '--job-bookmark-option', 'job-bookmark-disable']\n"
            f"runpy.run_path({str(script)!r}, run_name='__main__')\n")
    environment = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(target)}
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=environment, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "late: 1 of 1 hour partition(s) compacted, 3 -> 1 file(s)" in result.stdout
    assert sorted(pq.read_table(next(partition.iterdir())).column("event_id").to_pylist()) == ["e0", "e1", "e2"]
