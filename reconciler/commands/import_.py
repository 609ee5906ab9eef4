"""`import NAME ID PATH...`: bind a manifest campaign to a live campaign id (one API call)."""

from __future__ import annotations

import click

from .common import (
    endpoint_option,
    lock_timeout_option,
    paths_argument,
    setup_logging,
    state_options,
    timeout_option,
)
from .help import epilog, verbose_option

__all__ = ["import_"]


@click.command("import", epilog=epilog("import"))
@click.argument("name")
@click.argument("campaign_id", metavar="ID")
@paths_argument
@state_options
@lock_timeout_option
@endpoint_option
@timeout_option
@verbose_option("import")
def import_(
    name: str,
    campaign_id: str,
    paths: tuple[str, ...],
    state_backend: str | None,
    state_dir: str | None,
    lock_timeout: float,
    endpoint: str | None,
    timeout: float,
    verbose: int,
) -> None:
    """Bind manifest campaign NAME to live campaign ID: from then on plans manage that
    campaign, whatever it is called live."""
    setup_logging(verbose)
    from ..workflow.state_ops import import_campaign
    from ..workflow.stateful import StatePlace

    import_campaign(
        paths,
        name,
        campaign_id,
        StatePlace(state_backend, state_dir),
        endpoint=endpoint,
        timeout=timeout,
        lock_timeout=lock_timeout,
    )
    click.echo(f"Bound {name} to campaign {campaign_id}.")
