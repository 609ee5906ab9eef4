"""`show PLANFILE`: print a saved plan as `plan` printed it; no API call, no token."""

from __future__ import annotations

from pathlib import Path

import click

from ..render.markdown import GITHUB_COMMENT_LIMIT
from .common import color_enabled, color_option, setup_logging
from .help import epilog, verbose_option

__all__ = ["show"]


@click.command(epilog=epilog("show"))
@click.argument("planfile", type=click.Path(dir_okay=False, path_type=str), metavar="PLANFILE")
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON (plan.schema.json).")
@click.option(
    "--markdown", "as_markdown", is_flag=True, help="Print a pull-request comment (markdown)."
)
@click.option(
    "--split",
    metavar="DIR",
    type=click.Path(file_okay=False, path_type=str),
    help="With --markdown: write the whole plan as comments DIR/plan-1.md, plan-2.md, ... "
    "each under --limit characters (errors and warnings in the first); print their names.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=2000),
    default=GITHUB_COMMENT_LIMIT,
    show_default=True,
    help="With --split: the most characters of one comment (GitHub allows 65,536).",
)
@color_option
@verbose_option("show")
def show(
    planfile: str,
    as_json: bool,
    as_markdown: bool,
    split: str | None,
    limit: int,
    no_color: bool,
    verbose: int,
) -> None:
    """Print the plan saved by `plan --out PLANFILE`, exactly as plan printed it."""
    if as_json and as_markdown:
        raise click.UsageError("--json and --markdown are exclusive: choose one output format")
    if split and not as_markdown:
        raise click.UsageError("--split writes markdown comments: add --markdown")
    setup_logging(verbose)
    from ..render.show import Format, show_markdown_parts, show_plan

    if split:
        from ..io import write_new_files

        parts = show_markdown_parts(planfile, limit=limit)
        files = {f"plan-{k}.md": text for k, text in enumerate(parts, 1)}
        for path in write_new_files(Path(split), files):
            click.echo(str(path))
        return
    fmt: Format = "json" if as_json else "markdown" if as_markdown else "text"
    click.echo(show_plan(planfile, fmt, color=color_enabled(no_color)), nl=False)
