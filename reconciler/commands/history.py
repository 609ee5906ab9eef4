"""`history PATH...`: the last applies of the operation, from its state (no API call)."""

from __future__ import annotations

import json

import click

from .common import paths_argument, setup_logging, state_options
from .help import epilog, verbose_option

__all__ = ["history"]


@click.command(epilog=epilog("history"))
@paths_argument
@click.option(
    "-n",
    "--last",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="How many applies to show, newest last.",
)
@click.option("--run", "run_id", metavar="RUN", help="Every entry of one apply (its run id).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@state_options
@verbose_option("history")
def history(
    paths: tuple[str, ...],
    last: int,
    run_id: str | None,
    as_json: bool,
    state_backend: str | None,
    state_dir: str | None,
    verbose: int,
) -> None:
    """The last applies: when, who, which plan digest, and what came of each action."""
    setup_logging(verbose)
    from ..errors import StateError
    from ..secret import redact_all
    from ..workflow.state_ops import read_history
    from ..workflow.stateful import StatePlace

    runs = [r for r in read_history(paths, StatePlace(state_backend, state_dir)) if r.who or r.end]
    if run_id is not None:
        chosen = [r for r in runs if r.run_id == run_id]
        if not chosen:
            raise StateError(f"no apply with run id {run_id!r} in the history")
        entries = chosen[0].entries
        if as_json:
            click.echo(redact_all(json.dumps(entries, indent=2)))
            return
        for e in entries:
            what = " ".join(
                str(e[k]) for k in ("action", "campaign", "campaign_id", "result") if e.get(k)
            )
            error = f" ({e['error']})" if e.get("error") else ""
            click.echo(redact_all(f"{e.get('time', '')}  {e.get('event', '')}  {what}{error}"))
        return
    shown = runs[-last:]
    if as_json:
        click.echo(redact_all(json.dumps([r.to_dict() for r in shown], indent=2)))
        return
    if not shown:
        click.echo("No applies recorded.")
    for r in shown:
        click.echo(
            redact_all(
                f"{r.run_id}  {r.started}  {r.who or '?'}  {r.mode or '?'}  digest "
                f"{r.digest or '-'}  {r.actions} action{'' if r.actions == 1 else 's'}: "
                f"{r.outcome}"
            )
        )
