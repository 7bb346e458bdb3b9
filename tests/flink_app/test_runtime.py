"""The local JVM that PyFlink starts: its warnings must never block it.

PyFlink starts the JVM with its stderr on a pipe that nobody reads once the JVM is up; a log
appender writing there blocks every thread that logs once 64 KiB have piled up (seen: the
JobManager stuck for good while finishing a job). The local log configuration sends the console's
warnings to stdout instead (flink_app/conf/log4j-local.properties)."""

from __future__ import annotations

import threading

import pytest

pytestmark = pytest.mark.flink


def test_the_local_jvm_never_blocks_on_its_own_warnings(connector_jar):
    from pyflink.java_gateway import get_gateway

    from flink_app.runtime import prepare_local_jvm

    prepare_local_jvm(connector_jar)
    logger = get_gateway().jvm.org.slf4j.LoggerFactory.getLogger("streamwatch.test.console")
    done = threading.Event()

    def warn_a_lot() -> None:
        for n in range(300):  # 300 KiB: several times what a pipe holds
            logger.warn(f"warning {n} " + "x" * 1000)
        done.set()

    threading.Thread(target=warn_a_lot, daemon=True).start()
    assert done.wait(timeout=120), "logging a warning blocked the JVM"
