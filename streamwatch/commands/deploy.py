"""``streamwatch deploy``: upload the artefacts and create or update the CloudFormation stack."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="deploy")
@click.option("--stack", required=True, help="CloudFormation stack name.")
@click.option("--artifact-bucket", required=True, help="Existing S3 bucket the artefacts are uploaded to.")
@click.option("--region", help="AWS region (default: AWS_REGION or the profile's region).")
@click.option("--dist", type=click.Path(file_okay=False, path_type=Path), default=Path("dist"), show_default=True,
              help="Directory written by `streamwatch package`.")
@click.option("--parameter", "parameters", multiple=True, metavar="KEY=VALUE",
              help="Template parameter, repeatable (e.g. Environment=prod, AlertEmail=ops@example.com).")
@click.option("--yes", "-y", "assume_yes", is_flag=True, help="Execute the change set without asking.")
@click.option("--preview", is_flag=True, help="Only create and show the change set; leave it for review.")
@click.option("--allow-replace", is_flag=True,
              help="Execute even a change set that replaces or removes a stateful resource (stream, buckets, "
                   "Redshift namespace, Flink application, key, secret, catalog database); refused otherwise.")
@click.option("--flink-restore", type=click.Choice(["latest-snapshot", "allow-non-restored-state", "skip-snapshot"]),
              help="How the streaming job restarts when its SQL or code changed since the deployed build "
                   "(asked for then, refused otherwise; see docs/operations.md).")
@click.option("--poll-seconds", type=float, default=10.0, show_default=True, hidden=True)
def command(stack, artifact_bucket, region, dist, parameters, assume_yes, preview, allow_replace, flink_restore,
            poll_seconds) -> None:
    """Upload the build in DIST and create or update the stack through a change set.

    Credentials come from the usual AWS chain (AWS_PROFILE, environment, SSO). The change set is
    shown before anything changes; it is executed after you confirm (or with --yes), and the
    command waits for the stack and prints its outputs. A change set that would replace or remove
    a resource holding data is refused unless --allow-replace. Each artefact group is uploaded
    under its own hash, so a Lambda or Glue change does not restart the Flink job. A build whose
    streaming SQL or code changed must say how the job restarts (--flink-restore): its snapshot
    may no longer fit the job.

    \b
    Example:
        streamwatch package
        streamwatch deploy --stack streamwatch-dev --artifact-bucket my-artifacts-123456789012 \\
            --region eu-west-1 --parameter AlertEmail=ops@example.com
    """
    from streamwatch.aws.deploy import DeployError, DeployRequest, deploy, parse_parameter

    if assume_yes and preview:
        raise click.UsageError("--yes and --preview exclude each other")
    try:
        request = DeployRequest(
            stack=stack,
            artifact_bucket=artifact_bucket,
            dist=dist,
            region=region,
            parameters=dict(parse_parameter(text) for text in parameters),
            execute=True if assume_yes else (False if preview else None),
            allow_replace=allow_replace,
            flink_restore=flink_restore,
            poll_seconds=poll_seconds,
        )
        deploy(request, echo=click.echo, confirm=lambda question: click.confirm(question, default=False))
    except DeployError as error:
        raise click.ClickException(str(error)) from None
