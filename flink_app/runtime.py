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
# SDK v2 (aws.cborEnabled) and SDK v1 (com.amazonaws.sdk.disableCbor) are both in the connector.
LOCAL_JVM_OPTIONS = ("-Daws.cborEnabled=false", "-Dcom.amazonaws.sdk.disableCbor=true")


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


def prepare_local_jvm(jar: Path, extra_jvm_options: tuple[str, ...] = ()) -> None:
    """Put ``jar`` on the class path of the JVM PyFlink is about to start and set its options."""
    class_path = [str(jar)] + [p for p in os.environ.get("HADOOP_CLASSPATH", "").split(os.pathsep) if p]
    os.environ["HADOOP_CLASSPATH"] = os.pathsep.join(dict.fromkeys(class_path))
    options = os.environ.get("JVM_ARGS", "").split() + list(LOCAL_JVM_OPTIONS) + list(extra_jvm_options)
    os.environ["JVM_ARGS"] = " ".join(dict.fromkeys(options))
