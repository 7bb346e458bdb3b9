"""Where the job runs: Managed Flink, or a local PyFlink mini-cluster that needs the connector jar.

Locally the shaded connector jar goes on the JVM class path (so the S3 file systems and the table
factories are found like on the service) and the AWS SDKs are told to speak JSON instead of CBOR,
which a local Kinesis endpoint (moto) does not understand. Both must happen before PyFlink starts
its JVM, i.e. before the first TableEnvironment is created.
"""

from __future__ import annotations

import os
from pathlib import Path

from flink_app.config import MANAGED_FLINK_PROPERTIES

JAR_NAME = "streamwatch-connectors.jar"
JAR_ENV = "STREAMWATCH_CONNECTOR_JAR"
# The connector holds AWS SDK v2 (property aws.cborEnabled) and a shaded SDK v1, whose property
# name was relocated with its package; SDK v1 also reads the AWS_CBOR_DISABLE environment variable.
LOCAL_JVM_OPTIONS = (
    "-Daws.cborEnabled=false",
    "-Dcom.amazonaws.sdk.disableCbor=true",
    "-Dorg.apache.flink.kinesis.shaded.com.amazonaws.sdk.disableCbor=true",
)


class MissingJarError(FileNotFoundError):
    """The connector jar has not been built."""


def on_managed_flink() -> bool:
    return MANAGED_FLINK_PROPERTIES.exists()


def connector_jar() -> Path:
    """The shaded jar: $STREAMWATCH_CONNECTOR_JAR, lib/ beside main.py (zip layout), or the Maven output."""
    here = Path(__file__).resolve().parent
    candidates = [Path(os.environ[JAR_ENV])] if os.environ.get(JAR_ENV) else []
    candidates += [here.parent / "lib" / JAR_NAME, here / "target" / JAR_NAME]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise MissingJarError(
        f"connector jar {JAR_NAME} not found (looked at: {', '.join(map(str, candidates))}); "
        "build it with `make jar` (mvn -f flink_app/pom.xml package)"
    )


LOG_CONFIG = Path(__file__).with_name("conf") / "log4j-local.properties"
LOG_DIR_ENV = "STREAMWATCH_LOG_DIR"


def local_log_dir() -> Path:
    """Where the local JVM writes its log: $STREAMWATCH_LOG_DIR or .streamwatch/logs."""
    return Path(os.environ.get(LOG_DIR_ENV, ".streamwatch/logs")).resolve()


def prepare_local_jvm(jar: Path) -> None:
    """Put ``jar`` on the class path of the JVM PyFlink is about to start, set its options, and
    send its INFO log to a file (warnings still reach the console)."""
    log_dir = local_log_dir()
    log_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("FLINK_LOG_DIR", str(log_dir))
    os.environ.setdefault("LOG4J_PROPERTIES", str(LOG_CONFIG))
    os.environ["AWS_CBOR_DISABLE"] = "true"
    # The job has no Python functions: no need for PyFlink's loopback Python worker server, which
    # would import Apache Beam (seconds) and open a gRPC port for nothing.
    os.environ.setdefault("_python_worker_execution_mode", "process")
    class_path = [str(jar)] + [p for p in os.environ.get("HADOOP_CLASSPATH", "").split(os.pathsep) if p]
    os.environ["HADOOP_CLASSPATH"] = os.pathsep.join(dict.fromkeys(class_path))
    options = os.environ.get("JVM_ARGS", "").split() + list(LOCAL_JVM_OPTIONS)
    os.environ["JVM_ARGS"] = " ".join(dict.fromkeys(options))
