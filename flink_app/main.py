"""Entry point of the streamwatch Flink job, unchanged on Managed Service for Apache Flink and locally.

    python flink_app/main.py [--properties PATH]

On Managed Flink the configuration is /etc/flink/application_properties.json and the connector jar
comes from the ``jarfile`` run option; locally the committed application_properties.json is used
and the jar built by Maven is put on the class path. Locally the call blocks until the job ends.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the flink_app package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flink_app.config import load_config  # noqa: E402
from flink_app.job import create_environment, execute, plan  # noqa: E402
from flink_app.runtime import connector_jar, on_managed_flink, prepare_local_jvm  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--properties", help="property groups JSON (default: Managed Flink's, else the local copy)")
    args = parser.parse_args(argv)
    config = load_config(args.properties)
    managed = on_managed_flink()
    if not managed:
        prepare_local_jvm(connector_jar())
    result = execute(create_environment(config), plan(config))
    if not managed:
        result.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
