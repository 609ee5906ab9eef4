"""`validate PATH...` and `schema`: check manifests offline; print the manifest schema."""

from __future__ import annotations

import click

from ..manifest import load, schema_text
from .common import paths_argument, setup_logging
from .help import epilog, verbose_option

__all__ = ["schema", "summary", "validate"]


def summary(files: int, counts: dict[str, int]) -> str:
    """E.g. `OK: 2 files, 8 campaigns (3 started, 3 stopped, 2 cleared)`."""
    total = sum(counts.values())
    states = ", ".join(f"{n} {state}" for state, n in counts.items())
    file_word = "file" if files == 1 else "files"
    campaign_word = "campaign" if total == 1 else "campaigns"
    return f"OK: {files} {file_word}, {total} {campaign_word} ({states})"


@click.command(epilog=epilog("validate"))
@paths_argument
@verbose_option("validate")
def validate(paths: tuple[str, ...], verbose: int) -> None:
    """Check manifests (files, or directories of *.yaml / *.yml) without calling the API.

    Prints every problem as file:line:col: message and exits 1; otherwise prints a
    one-line summary and exits 0.
    """
    setup_logging(verbose)  # accepted on every command; validate makes no API call to log
    desired = load(paths)  # ManifestError → cli.main prints each problem, exit 1
    counts = {state.value: n for state, n in desired.count_by_state().items()}
    click.echo(summary(len(desired.files), counts))


@click.command(epilog=epilog("schema"))
@verbose_option("schema")
def schema(verbose: int) -> None:
    """Print the manifest JSON Schema (2020-12), for editors and CI."""
    setup_logging(verbose)
    click.echo(schema_text(), nl=False)
