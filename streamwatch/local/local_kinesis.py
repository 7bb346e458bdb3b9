"""A local Kinesis: moto's server in a subprocess on 127.0.0.1, with the stream created and ACTIVE.

Example::

    with LocalKinesis(stream_name="streamwatch-events", shards=1) as kinesis:
        client = kinesis.client()
        client.put_record(StreamName=kinesis.stream_name, Data=b"{}", PartitionKey="k")
        print(kinesis.endpoint, kinesis.stream_arn)
    # the server process is gone here, also after an exception or Ctrl-C

``shards=None`` (or 0) creates an on-demand stream instead of a provisioned one. The server is moto
with ``streamwatch/local/moto_kinesis.py`` applied: its streams reshard like AWS Kinesis.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from typing import IO, Any

DEFAULT_STREAM_NAME = "streamwatch-events"
HOST = "127.0.0.1"
_DUMMY_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


class LocalKinesisError(RuntimeError):
    """The local server did not come up, or the stream could not be created."""


class LocalKinesis:
    """Context manager around a moto server subprocess; see the module docstring."""

    def __init__(
        self,
        stream_name: str = DEFAULT_STREAM_NAME,
        shards: int | None = 1,
        region: str = "us-east-1",
        *,
        port: int = 0,
        startup_timeout: float = 30.0,
        stop_timeout: float = 5.0,
    ) -> None:
        if shards is not None and shards < 0:
            raise ValueError(f"shards must be >= 1, or None/0 for an on-demand stream; got {shards}")
        self.stream_name = stream_name
        self.shards = shards or None
        self.region = region
        self.port = port
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self.stream_arn: str | None = None
        self._log: IO[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://{HOST}:{self.port}"

    def client(self) -> Any:
        """A boto3 Kinesis client for this server, with dummy credentials."""
        import boto3

        return boto3.session.Session().client(
            "kinesis", endpoint_url=self.endpoint, region_name=self.region, **_DUMMY_CREDENTIALS
        )

    def __enter__(self) -> LocalKinesis:
        try:
            self._start()
            self._create_stream()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Terminate the server, kill it if it does not stop in time; safe to call twice."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    # --- starting --------------------------------------------------------------------------------

    def _start(self) -> None:
        if self.port:
            self._launch()
            return
        for attempt in range(3):  # a free port can be taken by someone else before moto binds it
            self.port = free_port()
            try:
                self._launch()
                return
            except _ExitedEarly:
                self.stop()
                if attempt == 2:
                    raise

    def _launch(self) -> None:
        self._log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            # one request at a time: see streamwatch/local/moto_server.py for the race this avoids
            [sys.executable, "-m", "streamwatch.local.moto_server", HOST, str(self.port)],
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a Ctrl-C in the terminal reaches us; we stop the server ourselves
        )
        deadline = time.monotonic() + self.startup_timeout
        while not _answers(self.port):
            if self.process.poll() is not None:
                raise _ExitedEarly(
                    f"the moto server exited with code {self.process.returncode} before answering on"
                    f" {self.endpoint}:\n{self._log_tail()}"
                )
            if time.monotonic() > deadline:
                raise LocalKinesisError(
                    f"the moto server did not answer on {self.endpoint} within {self.startup_timeout:.0f} s:\n"
                    f"{self._log_tail()}"
                )
            time.sleep(0.05)

    def _create_stream(self) -> None:
        client = self.client()
        if self.shards is None:
            client.create_stream(StreamName=self.stream_name, StreamModeDetails={"StreamMode": "ON_DEMAND"})
        else:
            client.create_stream(
                StreamName=self.stream_name,
                ShardCount=self.shards,
                StreamModeDetails={"StreamMode": "PROVISIONED"},
            )
        deadline = time.monotonic() + self.startup_timeout
        while True:
            summary = client.describe_stream_summary(StreamName=self.stream_name)["StreamDescriptionSummary"]
            if summary["StreamStatus"] == "ACTIVE":
                self.stream_arn = summary["StreamARN"]
                return
            if time.monotonic() > deadline:
                raise LocalKinesisError(
                    f"stream {self.stream_name!r} is still {summary['StreamStatus']} after {self.startup_timeout:.0f} s"
                )
            time.sleep(0.1)

    def _log_tail(self, chars: int = 2_000) -> str:
        if self._log is None:
            return ""
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")[-chars:]


class _ExitedEarly(LocalKinesisError):
    """The server process ended before it answered (e.g. its port was taken)."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _answers(port: int) -> bool:
    """True once an HTTP request to the server gets any answer."""
    try:
        with socket.create_connection((HOST, port), timeout=0.5) as connection:
            connection.sendall(b"GET /moto-api/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
            return connection.recv(12).startswith(b"HTTP/")
    except OSError:
        return False
