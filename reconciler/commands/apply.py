"""`apply`: execute a plan (made now from manifests, or saved by `plan --out`) safely.

Options, then one call into the core (`workflow.applying`); `cli.main` maps what it
raises to exit codes: 1 refused or failed, 130 interrupted.
"""

from __future__ import annotations

import click

from ..errors import UsageError
from ..plan.model import DELETE_BATCH, Thresholds
from .common import (
    approved_option,
    color_enabled,
    color_option,
    duration,
    endpoint_option,
    fields_options,
    lock_timeout_option,
    selection_options,
    setup_logging,
    threshold_options,
    timeout_option,
)
from .help import epilog, verbose_option

__all__ = ["apply"]


@click.command(epilog=epilog("apply"))
@click.argument("paths", nargs=-1, type=click.Path(path_type=str), metavar="[PATH...]")
@click.option(
    "--plan",
    "plan_file",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=str),
    help="Execute a plan saved by `plan --out FILE`, only if planning the manifests (PATH..., "
    "default: the ones it was made from) still gives exactly its actions.",
)
@click.option(
    "--auto-approve",
    is_flag=True,
    help="Do not ask for confirmation (required when stdin is not a terminal, as in CI).",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 2),
    default=1,
    show_default=True,
    help="API calls in flight at once (the vendor allows 2 per token).",
)
@click.option(
    "--fail-fast",
    is_flag=True,
    help="Stop at the first failure. By default the actions that do not depend on a "
    "failed one still run (its dependents are skipped and said to be).",
)
@click.option("--force", is_flag=True, help="Apply even past the safety thresholds.")
@approved_option
@lock_timeout_option
@click.option(
    "--delete-batch",
    type=click.IntRange(min=1),
    default=DELETE_BATCH,
    show_default=True,
    help="Delete up to N campaigns of a type per call (the bulk form); 1: one call each.",
)
@click.option(
    "--create-recheck",
    default="15s",
    show_default=True,
    metavar="DURATION",
    envvar="WOLKVOX_CREATE_RECHECK",
    callback=duration,
    help="After a create with no usable answer, re-read the list for this long (waits "
    "doubling from 1s) before reporting its outcome unknown. Env: WOLKVOX_CREATE_RECHECK.",
)
@selection_options
@threshold_options
@fields_options
@endpoint_option
@timeout_option
@color_option
@verbose_option("apply")
def apply(
    paths: tuple[str, ...],
    plan_file: str | None,
    auto_approve: bool,
    concurrency: int,
    fail_fast: bool,
    force: bool,
    approved: tuple[str, ...],
    thresholds: Thresholds,
    resend_fields: bool,
    targets: tuple[str, ...],
    excludes: tuple[str, ...],
    state_backend: str | None,
    state_dir: str | None,
    lock_timeout: float,
    delete_batch: int,
    create_recheck: float,
    endpoint: str | None,
    timeout: float,
    no_color: bool,
    verbose: int,
) -> None:
    """Bring the live campaigns to the manifests (PATH...), or execute a saved plan."""
    if not paths and not plan_file:
        raise UsageError("give manifest PATH... or --plan FILE")
    if plan_file and (targets or excludes):
        raise UsageError("--target/--exclude apply to manifests; a saved plan is as saved")
    setup_logging(verbose)
    from ..workflow import ApplyOptions, apply_manifests, apply_saved, recheck_waits_within
    from .terminal import TerminalUI

    options = ApplyOptions(
        auto_approve=auto_approve,
        concurrency=concurrency,
        fail_fast=fail_fast,
        force=force,
        approved=approved,
        thresholds=thresholds,
        resend_fields=resend_fields,
        lock_timeout=lock_timeout,
        delete_batch=delete_batch,
        state_dir=state_dir,
        state_backend=state_backend,
        timeout=timeout,
        recheck_waits=recheck_waits_within(create_recheck),
    )
    ui = TerminalUI(color=color_enabled(no_color))
    if plan_file:
        apply_saved(plan_file, ui, paths=paths, endpoint=endpoint, options=options)
    else:
        apply_manifests(
            paths, ui, targets=targets, excludes=excludes, endpoint=endpoint, options=options
        )
