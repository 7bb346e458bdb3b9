"""The ``streamwatch`` command: a thin CLI over the producer, flink_app, batch and infra packages
and the rooms of this one: ``local`` (the local runtime), ``aws`` (package and deploy), ``analyses``
(lake reader, summary, play starts, report, capacity plan) and ``demo``.

Each sub-command lives in ``streamwatch/commands/<name>.py`` and is imported only when it runs, so
``streamwatch --help`` is instant and a command's heavy imports (PyFlink, PySpark) stay its own.
"""

from __future__ import annotations

import importlib

import click

# name -> (module under streamwatch.commands, one-line help shown by `streamwatch --help`)
COMMANDS: dict[str, tuple[str, str]] = {
    "produce": ("produce", "Generate playback events into Kinesis or a JSONL file."),
    "stream": ("stream", "Run the Flink job: Kinesis or a bounded replay of JSONL files."),
    "local-kinesis": ("local_kinesis", "Start a local Kinesis (moto) server and create the stream."),
    "demo": ("demo", "Run the whole pipeline locally and print a summary."),
    "summary": ("summary", "Count what a lake holds and check that the records add up."),
    "bench": ("bench", "Measure replay throughput: full job vs scan-only."),
    "plan": ("plan", "Capacity and monthly cost for N concurrent viewers, from measurements."),
    "batch": ("batch", "Run the Glue batch jobs locally for one dt (processed -> curated)."),
    "load": ("load", "Load one dt into the warehouse (local DuckDB or Redshift)."),
    "backfill": ("backfill", "Rebuild and reload a range of days, one day at a time."),
    "query": ("query", "Run an Athena query over the local lake."),
    "report": ("report", "Write the self-contained HTML report of a lake."),
    "sps": ("sps", "Play starts per minute of a lake, with the outage baseline and its flags."),
    "package": ("package", "Build the deployable artefacts in dist/."),
    "deploy": ("deploy", "Upload the artefacts and create or update the CloudFormation stack."),
}


class LazyGroup(click.Group):
    """A group whose sub-commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module = importlib.import_module(f"streamwatch.commands.{COMMANDS[name][0]}")
        return module.command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Short help from the table above, without importing every command module.
        with formatter.section("Commands"):
            formatter.write_dl([(name, COMMANDS[name][1]) for name in sorted(COMMANDS)])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="streamwatch")
def main() -> None:
    """Streaming and batch analytics for video playback events.

    \b
    Example — the whole pipeline on this machine, no AWS account needed:
        streamwatch demo
    """


if __name__ == "__main__":
    main()
