"""``streamwatch local-kinesis``: run a local Kinesis (moto) with the stream created, until Ctrl-C."""

from __future__ import annotations

import signal
import time

import click

from streamwatch.local.local_kinesis import DEFAULT_STREAM_NAME, LocalKinesis, LocalKinesisError


@click.command("local-kinesis")
@click.option("--stream-name", default=DEFAULT_STREAM_NAME, show_default=True, help="Name of the stream to create.")
@click.option(
    "--shards", type=click.IntRange(min=0), default=1, show_default=True,
    help="Shards of the provisioned stream; 0 creates an on-demand stream.",
)
@click.option("--region", default="us-east-1", show_default=True, help="Region in the stream's ARN.")
@click.option(
    "--port", type=click.IntRange(min=0, max=65535), default=0,
    help="Port to listen on (127.0.0.1 only); default: any free port.",
)
def command(stream_name: str, shards: int, region: str, port: int) -> None:
    """Start a local Kinesis server (moto, on 127.0.0.1), create the stream, wait for Ctrl-C.

    Prints the endpoint and the stream ARN to hand to `streamwatch produce` and the Flink job.
    Ctrl-C stops the server; nothing is left running.

    \b
    Example:
        streamwatch local-kinesis --stream-name streamwatch-events --shards 2
        # in another terminal, with the endpoint it printed:
        streamwatch produce --events 10000 --stream streamwatch-events --endpoint http://127.0.0.1:PORT
    """
    server = LocalKinesis(stream_name=stream_name, shards=shards or None, region=region, port=port)
    previous = signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops the server as cleanly as Ctrl-C
    try:
        with server:
            click.echo("Local Kinesis (moto) is running.")
            click.echo(f"  endpoint    {server.endpoint}")
            click.echo(f"  stream ARN  {server.stream_arn}")
            click.echo(f"  region      {server.region}")
            click.echo(
                f"Send events:  streamwatch produce --events 10000 --stream {server.stream_name}"
                f" --endpoint {server.endpoint} --region {server.region}"
            )
            click.echo("Press Ctrl-C to stop.", nl=True)
            while server.is_running():
                time.sleep(0.5)
            raise click.ClickException(f"the local Kinesis server on {server.endpoint} stopped by itself")
    except KeyboardInterrupt:
        click.echo("Stopped the local Kinesis server.")
    except LocalKinesisError as error:
        raise click.ClickException(str(error)) from error
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
