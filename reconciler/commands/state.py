"""`state list|show|rm|mv|migrate`: read and change the operation's state (no API call)."""

from __future__ import annotations

import json
from typing import Any

import click

from .common import lock_timeout_option, paths_argument, setup_logging, state_options
from .help import epilog, verbose_option

__all__ = ["state"]


def _place(state_backend: str | None, state_dir: str | None) -> Any:
    from ..workflow.stateful import StatePlace

    return StatePlace(state_backend, state_dir)


@click.group(epilog=epilog("state"))
def state() -> None:
    """Read and change the operation's state: the name↔id bindings and the last-applied
    fields (no API call)."""


@state.command("list", epilog=epilog("state"))
@paths_argument
@click.option("--json", "as_json", is_flag=True, help="Print the bindings as JSON.")
@state_options
@verbose_option("state")
def list_(
    paths: tuple[str, ...],
    as_json: bool,
    state_backend: str | None,
    state_dir: str | None,
    verbose: int,
) -> None:
    """Every name bound to a campaign id, how and since when."""
    setup_logging(verbose)
    from ..workflow.state_ops import show_state

    view = show_state(paths, _place(state_backend, state_dir))
    bindings = sorted(view.snapshot.bindings.values(), key=lambda b: b.name)
    if as_json:
        data = {b.name: b.to_dict() for b in bindings}
        click.echo(json.dumps({"state": view.where, "bindings": data}, indent=2))
        return
    click.echo(f"# {view.where}: {len(bindings)} bound", err=True)
    for b in bindings:
        fields = len(view.snapshot.fields.get(b.campaign_id, {}))
        click.echo(f"{b.name}\tid {b.campaign_id}\t{b.origin} {b.since}\t{fields} fields recorded")


@state.command("show", epilog=epilog("state"))
@click.argument("name")
@paths_argument
@state_options
@verbose_option("state")
def show(
    name: str,
    paths: tuple[str, ...],
    state_backend: str | None,
    state_dir: str | None,
    verbose: int,
) -> None:
    """One binding and the fields last applied to its campaign."""
    setup_logging(verbose)
    from ..errors import StateError
    from ..workflow.state_ops import show_state

    snapshot = show_state(paths, _place(state_backend, state_dir)).snapshot
    binding = snapshot.bindings.get(name)
    if binding is None:
        raise StateError(f"{name!r} is not bound in the state (`state list` shows what is)")
    fields = snapshot.fields.get(binding.campaign_id, {})
    click.echo(
        json.dumps(
            {"name": name, **binding.to_dict(), "last_applied": fields},
            indent=2,
            sort_keys=True,
            ensure_ascii=False,
        )
    )


@state.command("rm", epilog=epilog("state"))
@click.argument("name")
@paths_argument
@state_options
@lock_timeout_option
@verbose_option("state")
def rm(
    name: str,
    paths: tuple[str, ...],
    state_backend: str | None,
    state_dir: str | None,
    lock_timeout: float,
    verbose: int,
) -> None:
    """Forget NAME's binding and last-applied fields (the live campaign is untouched:
    the next plan finds it by name, or plans a create)."""
    setup_logging(verbose)
    from ..workflow.state_ops import remove_binding

    gone = remove_binding(paths, name, _place(state_backend, state_dir), lock_timeout=lock_timeout)
    click.echo(f"Removed {name} (id {gone.campaign_id}) from the state.")


@state.command("mv", epilog=epilog("state"))
@click.argument("old")
@click.argument("new")
@paths_argument
@state_options
@lock_timeout_option
@verbose_option("state")
def mv(
    old: str,
    new: str,
    paths: tuple[str, ...],
    state_backend: str | None,
    state_dir: str | None,
    lock_timeout: float,
    verbose: int,
) -> None:
    """Bind NEW to OLD's campaign: after renaming it in the manifests, so that the next
    plan renames the live campaign instead of creating one."""
    setup_logging(verbose)
    from ..workflow.state_ops import move_binding

    moved = move_binding(
        paths, old, new, _place(state_backend, state_dir), lock_timeout=lock_timeout
    )
    click.echo(f"Moved {old} → {new} (id {moved.campaign_id}).")


@state.command("migrate", epilog=epilog("state"))
@paths_argument
@click.option(
    "--to",
    "to",
    required=True,
    type=click.Choice(["local", "postgres"]),
    help="The backend to copy the state into (it must hold nothing yet).",
)
@state_options
@lock_timeout_option
@verbose_option("state")
def migrate(
    paths: tuple[str, ...],
    to: str,
    state_backend: str | None,
    state_dir: str | None,
    lock_timeout: float,
    verbose: int,
) -> None:
    """Copy the state (bindings, fields, history) to another backend; then set
    operation.state.backend (or WOLKVOX_STATE) to it."""
    setup_logging(verbose)
    from ..workflow.state_ops import migrate_state

    source, target, bindings, fields, entries = migrate_state(
        paths, to, _place(state_backend, state_dir), lock_timeout=lock_timeout
    )
    click.echo(
        f"Copied {bindings} bindings, the fields of {fields} campaigns and {entries} history "
        f"entries from {source} to {target}."
    )
    click.echo(f"Next: set operation.state.backend: {to} (or WOLKVOX_STATE={to}).")
