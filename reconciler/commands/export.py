"""`export`: the live campaigns as a manifest that plans to "No changes." (one API call)."""

from __future__ import annotations

from pathlib import Path

import click

from ..secret import redact_all
from .common import endpoint_option, setup_logging, state_options, timeout_option
from .help import epilog, verbose_option

__all__ = ["export"]


@click.command(epilog=epilog("export"))
@click.option(
    "-o",
    "--out",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=str),
    help="Write the manifest to FILE (refused if it exists). Default: standard output.",
)
@click.option(
    "--split",
    metavar="DIR",
    type=click.Path(file_okay=False, path_type=str),
    help="Write one file per campaign (and operation.yaml) into DIR; refused if any exists.",
)
@click.option(
    "--server",
    metavar="NOMENCLATURE",
    help="The operation's server (e.g. 0002 for https://wv0002.wolkvox.com); written as "
    "operation.server. Default: taken from --endpoint when it is a wolkvox URL.",
)
@click.option(
    "--token-env",
    default="WOLKVOX_TOKEN",
    show_default=True,
    metavar="NAME",
    help="The environment variable holding the token (written as operation.token_env).",
)
@state_options
@endpoint_option
@timeout_option
@verbose_option("export")
def export(
    out: str | None,
    split: str | None,
    server: str | None,
    token_env: str,
    state_backend: str | None,
    state_dir: str | None,
    endpoint: str | None,
    timeout: float,
    verbose: int,
) -> None:
    """Write a manifest of every live campaign: name, type, description and state (id
    pinned where a name cannot identify it), checked to plan to "No changes.". With
    --state (or --state-dir), also bind each exported name to its id in that state."""
    if out and split:
        raise click.UsageError("-o/--out and --split are exclusive: choose one")
    setup_logging(verbose)
    from ..io import write_new_files
    from ..workflow.exporting import export_live

    bind = bool(state_backend or state_dir)
    if bind and not (out or split or state_dir) and (state_backend or "local") == "local":
        raise click.UsageError(
            "the local state lives beside the manifests: with --state local, give -o, "
            "--split or --state-dir"
        )
    exported = export_live(
        endpoint=endpoint, server=server, token_env=token_env, timeout=timeout, split=bool(split)
    )
    files = exported.files
    if split:
        written = _all_or_nothing(Path(split), files)
        click.echo(f"Wrote {len(written)} files to {split}/", err=True)
    elif out:
        target = Path(out)
        write_new_files(target.parent, {target.name: files["campaigns.yaml"]})
        click.echo(f"Wrote {out}", err=True)
    else:
        click.echo(redact_all(files["campaigns.yaml"]), nl=False)
    if bind:
        manifests_dir = Path(split) if split else Path(out).parent if out else Path(".")
        count, where = exported.bind(state_backend, manifests_dir, state_dir)
        click.echo(f"Bound {count} campaigns by id in the state ({where}).", err=True)


def _all_or_nothing(directory: Path, files: dict[str, str]) -> list[Path]:
    """The split export, written whole or not at all: SIGTERM (a CI job cancelled) is
    turned into the interruption the writer cleans up after."""
    import signal
    import threading

    from ..io import write_new_directory

    def interrupted(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():  # no signals there
        return write_new_directory(directory, files)
    before = signal.signal(signal.SIGTERM, interrupted)
    try:
        return write_new_directory(directory, files)
    finally:
        signal.signal(signal.SIGTERM, before)
