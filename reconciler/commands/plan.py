"""`plan`: load the manifests, read the live list (one API call), show what apply would do."""

from __future__ import annotations

import os

import click

from ..errors import PlanError
from ..plan import Plan, Thresholds
from ..secret import redact_all
from .common import (
    color_enabled,
    color_option,
    endpoint_option,
    paths_argument,
    selection_options,
    setup_logging,
    threshold_options,
    timeout_option,
    verbose_option,
)

__all__ = ["plan"]


@click.command()
@paths_argument
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON (plan.schema.json).")
@click.option(
    "--markdown", "as_markdown", is_flag=True, help="Print a pull-request comment (markdown)."
)
@click.option(
    "--out",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=str),
    help="Also save the plan for `apply --plan FILE` (written atomically; never the token).",
)
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 0 when there are no changes, 2 when there are, 1 on error.",
)
@selection_options
@threshold_options
@endpoint_option
@timeout_option
@color_option
@verbose_option
@click.pass_context
def plan(
    ctx: click.Context,
    paths: tuple[str, ...],
    as_json: bool,
    as_markdown: bool,
    out: str | None,
    targets: tuple[str, ...],
    excludes: tuple[str, ...],
    detailed_exitcode: bool,
    max_clears: int,
    max_stop_pct: float,
    min_campaigns: int,
    endpoint: str | None,
    timeout: float,
    no_color: bool,
    verbose: int,
) -> None:
    """Show what `apply` would change to bring the live campaigns to the manifests.

    Reads the live campaign list once (one API call) and never changes anything.
    """
    if as_json and as_markdown:
        raise click.UsageError("--json and --markdown are exclusive: choose one output format")
    setup_logging(verbose)
    # imported here so that `--help` and usage errors cost no import of the client stack
    from ..client import WolkvoxClient
    from ..manifest import load
    from ..planfile import write_plan
    from ..planner import make_plan

    if out:
        if any(_same_file(out, path) for path in paths):
            raise click.UsageError(f"--out {out} is one of the manifests: choose another file")
        # first thing: whatever stops this plan (a bad manifest, an API failure) must not
        # leave an older plan at the path CI or a person hands to `apply --plan`
        _discard(out)
    desired = load(list(paths))
    with WolkvoxClient.for_operation(
        desired.operation, endpoint=endpoint, timeout=timeout
    ) as client:
        live = client.list_campaigns()
    thresholds = Thresholds(
        max_clears=max_clears,
        max_stop_pct=max_stop_pct,
        min_campaigns=min_campaigns,
    )
    result = make_plan(
        desired,
        live,
        targets=targets,
        excludes=excludes,
        thresholds=thresholds,
        endpoint=endpoint,
    )
    if out:
        # written even when the plan has errors: a stale plan from an earlier run must not be
        # left at the path CI hands to apply, and apply refuses a plan with errors anyway
        write_plan(result, out)
    rendered = _render(result, as_json=as_json, as_markdown=as_markdown, no_color=no_color)
    # a live value (a description typed in the console) could hold the token: the plan
    # shows live values, so it is redacted like every other line the CLI prints
    click.echo(redact_all(rendered), nl=False)
    if result.errors:
        n = len(result.errors)
        raise PlanError(f"the plan has {n} error{'s' if n != 1 else ''} (listed above)")
    if detailed_exitcode and result.has_changes:
        ctx.exit(2)


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):  # either one missing or unusable: not the same file
        return False


def _discard(path: str) -> None:
    from pathlib import Path

    try:
        Path(path).unlink(missing_ok=True)
    except OSError as exc:
        raise PlanError(f"cannot replace plan file {path}: {exc.strerror or exc}") from None


def _render(result: Plan, *, as_json: bool, as_markdown: bool, no_color: bool) -> str:
    from ..render import render_json, render_markdown, render_text

    if as_json:
        return render_json(result)
    if as_markdown:
        text = render_markdown(result)
        return text if text.endswith("\n") else text + "\n"
    return render_text(result, color=color_enabled(no_color))
