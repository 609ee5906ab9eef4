"""`init [DIR]`: scaffold a GitOps repository for one operation (nothing overwritten)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from .common import endpoint_option, setup_logging, timeout_option
from .help import epilog, verbose_option

__all__ = ["init"]


@click.command(epilog=epilog("init"))
@click.argument("directory", default=".", type=click.Path(path_type=str), metavar="[DIR]")
@click.option(
    "--ci",
    type=click.Choice(["github", "gitlab"]),
    default="github",
    show_default=True,
    help="The CI recipe to include.",
)
@click.option(
    "--server",
    metavar="NOMENCLATURE",
    help="The operation's server, written as operation.server (with an export).",
)
@click.option(
    "--token-env",
    default="WOLKVOX_TOKEN",
    show_default=True,
    metavar="NAME",
    help="The variable holding the token: when it is set and an endpoint is known, "
    "manifests/ is exported from the live campaigns.",
)
@click.option(
    "--state",
    "state_backend",
    type=click.Choice(["local", "postgres"]),
    envvar="WOLKVOX_STATE",
    help="Where to bind the exported campaigns by id: local (manifests/.wolkvox-reconciler/) "
    "or postgres (its URL in WOLKVOX_STATE_URL). Env: WOLKVOX_STATE.",
)
@endpoint_option
@timeout_option
@verbose_option("init")
def init(
    directory: str,
    ci: str,
    server: str | None,
    token_env: str,
    state_backend: str | None,
    endpoint: str | None,
    timeout: float,
    verbose: int,
) -> None:
    """Create a repository of manifests: manifests/ (exported from the live campaigns
    when a token and an endpoint are given, else a commented example), the CI workflow,
    .pre-commit-config.yaml, .gitignore and a README with the next steps."""
    setup_logging(verbose)
    from ..export.scaffold import scaffold_files, write_scaffold
    from ..workflow.exporting import export_live

    manifest = exported = None
    if os.environ.get(token_env) and (endpoint or server):
        exported = export_live(
            endpoint=endpoint, server=server, token_env=token_env, timeout=timeout
        )
        manifest = exported.files["campaigns.yaml"]
    written = write_scaffold(Path(directory), scaffold_files(ci, manifest))
    if exported is not None:
        count, where = exported.bind(state_backend, Path(directory, "manifests"))
        click.echo(f"Bound {count} campaigns by id in the state ({where}).")
    click.echo(f"Created {len(written)} files in {directory}:")
    for path in written:
        click.echo(f"  {path.relative_to(directory)}")
    if manifest is None:
        click.echo(
            f"manifests/campaigns.yaml is an example: set {token_env} and pass --endpoint "
            "(or --server) to export the live campaigns instead."
        )
    click.echo(f"Next: read {Path(directory, 'README.md')}.")
