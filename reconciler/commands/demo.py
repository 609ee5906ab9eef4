"""`demo`: the whole job on this machine, no token and no network — a local simulator seeded
with a drifted copy of the manifests' campaigns, then plan, apply, and a second plan that
shows nothing left to do. Each step runs the real CLI, as a user would type it."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
import yaml

from ..desired import Desired
from ..errors import ConfigError
from ..manifest import load
from ..vocabulary import DesiredState
from .common import verbose_option

__all__ = ["demo", "drifted_seed"]


def drifted_seed(desired: Desired) -> dict[str, Any]:
    """A live operation that differs from `desired` in every way a plan can show: some
    campaigns missing, some in the wrong state, some with records to clear, one unmanaged."""
    rows: list[dict[str, Any]] = []
    for index, campaign in enumerate(desired.campaigns):
        if index % 4 == 3 and campaign.id is None:
            continue  # missing live: the plan creates it
        started = campaign.state is DesiredState.STARTED
        if index % 3 == 1:
            started = not started  # wrong state: the plan starts or stops it
        rows.append(
            {
                "campaign_id": campaign.id or str(4600 + index),
                "campaign_name": campaign.name,
                "campaign_description": campaign.description,
                "type_campaign": campaign.type.value,
                "status": "Started" if started else "Stopped",
                "records": 250 if campaign.state is DesiredState.CLEARED else 40,
            }
        )
    rows.append(
        {
            "campaign_id": "4599",
            "campaign_name": "legacy-unmanaged",
            "campaign_description": "made by hand in the console",
            "type_campaign": "preview",
            "status": "Stopped",
            "records": 12,
        }
    )
    return {"campaigns": rows}


@contextmanager
def _simulator(seed: Path, token: str) -> Iterator[str]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "reconciler",
            "simulate",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--seed",
            str(seed),
            "--token",
            token,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if "http://" not in line:
            raise ConfigError("the simulator did not start")
        yield line[line.index("http://") :].strip()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - a stuck simulator
            process.kill()


def _step(args: Sequence[str], env: dict[str, str]) -> int:
    click.secho(f"\n$ wolkvox-reconciler {' '.join(args)}", bold=True)
    sys.stdout.flush()
    return subprocess.run([sys.executable, "-m", "reconciler", *args], env=env).returncode


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str), metavar="[PATH]...")
@verbose_option
def demo(paths: tuple[str, ...], verbose: int) -> None:
    """Plan and apply PATHs (default: examples/campaigns.yaml) against a local simulator
    seeded with drifted live campaigns; then plan again to show it converged."""
    paths = paths or ("examples/campaigns.yaml",)
    desired = load(paths)
    token = secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="wolkvox-demo-") as tmp:
        seed = Path(tmp, "live.yaml")
        seed.write_text(yaml.safe_dump(drifted_seed(desired), sort_keys=False))
        with _simulator(seed, token) as url:
            click.echo(f"Simulator with {len(desired.campaigns)} drifted campaigns at {url}")
            env = dict(os.environ)
            env[desired.operation.token_env] = token
            env["WOLKVOX_ENDPOINT"] = url
            state = ["--state-dir", str(Path(tmp, "state"))]
            flags = ["-" + "v" * verbose] if verbose else []
            steps = [
                ["plan", *paths, *flags],
                ["apply", *paths, "--auto-approve", *state, *flags],
                ["plan", *paths, "--detailed-exitcode", *flags],
            ]
            codes = [_step(step, env) for step in steps]
    if codes != [0, 0, 0]:
        raise click.exceptions.Exit(1)
    click.secho("\nConverged: a second plan has nothing to do.", fg="green")
