"""`plan`: load the manifests, read the live list (one API call), show what apply would do."""

from __future__ import annotations

import click

from ..errors import ApprovalNeeded, PlanError, UsageError
from ..plan.model import Thresholds
from ..secret import redact_all
from . import Verdict
from .common import (
    approved_option,
    color_enabled,
    color_option,
    endpoint_option,
    fields_options,
    paths_argument,
    selection_options,
    setup_logging,
    threshold_options,
    timeout_option,
)
from .help import epilog, verbose_option

__all__ = ["plan"]


@click.command(epilog=epilog("plan"))
@paths_argument
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON (plan.schema.json).")
@click.option(
    "--markdown", "as_markdown", is_flag=True, help="Print a pull-request comment (markdown)."
)
@click.option(
    "--out",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=str),
    help="Also save the plan, signed, for `apply --plan FILE` (atomic; never the token).",
)
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 0 when there are no changes, 2 when there are, 1 on error.",
)
@click.option(
    "--check-quota",
    is_flag=True,
    help="Also read the token's calls left today (token_info, 1 call) and show the budget.",
)
@click.option(
    "--require-approval",
    is_flag=True,
    help="Fail (exit 1, 'approval needed') when apply would refuse this plan past the safety "
    "thresholds and no --approved digest names it: the pull-request check of the recipes.",
)
@approved_option
@selection_options
@threshold_options
@fields_options
@endpoint_option
@timeout_option
@color_option
@verbose_option("plan")
def plan(
    paths: tuple[str, ...],
    as_json: bool,
    as_markdown: bool,
    out: str | None,
    targets: tuple[str, ...],
    excludes: tuple[str, ...],
    detailed_exitcode: bool,
    check_quota: bool,
    require_approval: bool,
    approved: tuple[str, ...],
    thresholds: Thresholds,
    resend_fields: bool,
    state_backend: str | None,
    state_dir: str | None,
    endpoint: str | None,
    timeout: float,
    no_color: bool,
    verbose: int,
) -> Verdict | None:
    """Show what `apply` would change to bring the live campaigns to the manifests.

    Reads the live campaign list once (one API call) and never changes anything.
    """
    if as_json and as_markdown:
        raise UsageError("--json and --markdown are exclusive: choose one output format")
    setup_logging(verbose)
    # imported here so that `--help` and usage errors cost no import of the client stack
    from ..render import render_markdown, render_text
    from ..workflow import run_plan
    from ..workflow.stateful import StatePlace

    result = run_plan(
        paths,
        targets=targets,
        excludes=excludes,
        thresholds=thresholds,
        endpoint=endpoint,
        timeout=timeout,
        out=out,
        state=StatePlace(state_backend, state_dir),
        resend_fields=resend_fields,
        check_quota=check_quota,
    )
    for note in (*result.notes, *([result.budget] if result.budget else [])):
        click.echo(redact_all(note), err=True)
    made = result.saved.plan
    if as_json:
        from ..render.json_ import iter_json

        # a live value (a description typed in the console) could hold the token: the plan
        # shows live values, so it is redacted like every other line the CLI prints; in
        # pieces, so that a 100,000-campaign plan is never one more string in memory
        for piece in iter_json(result.document):
            click.echo(redact_all(piece), nl=False)
    else:
        if as_markdown:
            rendered = render_markdown(made)
            rendered = rendered if rendered.endswith("\n") else rendered + "\n"
        else:
            rendered = render_text(made, color=color_enabled(no_color))
        click.echo(redact_all(rendered), nl=False)
    if made.errors:
        n = len(made.errors)
        raise PlanError(f"the plan has {n} error{'s' if n != 1 else ''} (listed above)")
    if require_approval:
        from ..plan.approval import approval_hint, is_approved

        hint = approval_hint(made, thresholds)
        if hint is not None:
            if not is_approved(made, approved):
                raise ApprovalNeeded(hint)
            click.echo("Approved: this exact plan was approved in review.", err=True)
    if detailed_exitcode:
        return Verdict.CHANGES_PRESENT if made.has_changes else Verdict.NO_CHANGES
    return None
