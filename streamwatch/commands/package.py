"""``streamwatch package``: build the deployable artefacts into dist/."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="package")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("dist"), show_default=True,
              help="Output directory (emptied first).")
@click.option("--jar", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Shaded connector jar (default: flink_app/target/streamwatch-connectors.jar, built by `make jar`).")
def command(out: Path, jar: Path | None) -> None:
    """Build the artefacts that `streamwatch deploy` uploads.

    Writes the Managed Flink zip (main.py at the root, the flink_app package, the connector jar
    under lib/, the pure-Python packages the job imports), the Glue job scripts and the batch
    package, the Lambda bundle, the state machine definition, the CloudFormation template and a
    manifest.json with the build id and the sha256 of every file.

    \b
    Example:
        make jar && streamwatch package --out dist
    """
    from streamwatch.aws.packaging import PackagingError, build

    try:
        result = build(out, jar=jar)
    except PackagingError as error:
        raise click.ClickException(str(error)) from None
    for artifact in result.artifacts:
        click.echo(f"  {artifact.path:<40} {artifact.size:>12,d} bytes")
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"build {result.build_id}: {len(result.artifacts)} artefacts in {result.out_dir}")
