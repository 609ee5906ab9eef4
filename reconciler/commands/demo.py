"""`demo`: the whole job on this machine, no token and no network — a local simulator seeded
with a drifted copy of the manifests' campaigns, then plan, apply, and a second plan that
shows nothing left to do. Each step runs the real CLI, as a user would type it."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import click
import yaml

from ..manifest import load
from ..manifest.desired import Desired
from ..workflow.demo import NEXT_STEPS, drifted_seed, example_manifest, running_simulator
from .common import color_enabled, color_option
from .help import epilog, verbose_option

__all__ = ["demo"]


def _step(args: Sequence[str], env: dict[str, str], cwd: str | None, color: bool) -> int:
    click.secho(f"\n$ wolkvox-reconciler {' '.join(args)}", bold=True, color=color)
    sys.stdout.flush()
    command = [sys.executable, "-m", "reconciler", *args]
    return subprocess.run(command, env=env, cwd=cwd).returncode


@click.command(epilog=epilog("demo"))
@click.argument("paths", nargs=-1, type=click.Path(path_type=str), metavar="[PATH]...")
@color_option
@verbose_option("demo")
def demo(paths: tuple[str, ...], no_color: bool, verbose: int) -> None:
    """Plan and apply PATHs (default: the example operation shipped with the package)
    against a local simulator seeded with drifted live campaigns; then plan again to
    show it converged."""
    color = color_enabled(no_color)
    with tempfile.TemporaryDirectory(prefix="wolkvox-demo-") as tmp:
        cwd: str | None = None
        if not paths:  # the shipped example, run where it lies: `plan campaigns.yaml`
            Path(tmp, "campaigns.yaml").write_text(example_manifest(), encoding="utf-8")
            paths, cwd = ("campaigns.yaml",), tmp
        desired = load([str(Path(cwd or ".", p)) for p in paths])
        codes = _run_steps(paths, desired, Path(tmp), cwd, color=color, verbose=verbose)
    if codes != [0, 0, 0]:
        raise click.exceptions.Exit(1)
    click.secho("\nConverged: a second plan has nothing to do.", fg="green", color=color)
    click.echo("\nNext, try:")
    for command, why in NEXT_STEPS:
        click.echo(f"  {command}")
        click.echo(f"      # {why}")


def _run_steps(
    paths: Sequence[str],
    desired: Desired,
    tmp: Path,
    cwd: str | None,
    *,
    color: bool,
    verbose: int,
) -> list[int]:
    token = secrets.token_hex(16)
    seed = Path(tmp, "live.yaml")
    seed.write_text(yaml.safe_dump(drifted_seed(desired), sort_keys=False))
    with running_simulator(seed, token) as url:
        click.echo(f"Simulator with {len(desired.campaigns)} drifted campaigns at {url}")
        env = dict(os.environ)
        env[desired.operation.token_env] = token
        env["WOLKVOX_ENDPOINT"] = url
        env["WOLKVOX_LOCK_DIR"] = str(Path(tmp, "locks"))  # the demo's own lock, not the user's
        state = ["--state", "local", "--state-dir", str(Path(tmp, "state"))]
        flags = ["-" + "v" * verbose] if verbose else []
        if not color:
            flags.append("--no-color")
        steps = [
            ["plan", *paths, *state, *flags],
            ["apply", *paths, "--auto-approve", *state, *flags],
            ["plan", *paths, "--detailed-exitcode", *state, *flags],
        ]
        return [_step(step, env, cwd, color) for step in steps]
