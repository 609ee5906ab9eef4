"""`demo`: the whole job on this machine, no token and no network — a local simulator seeded
with a drifted copy of the manifests' campaigns, then plan, apply, and a second plan that
shows nothing left to do. Each step runs the real CLI, as a user would type it."""

from __future__ import annotations

import contextlib
import itertools
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

from ..client.live import LiveCampaign
from ..errors import ConfigError
from ..manifest import load
from ..manifest.desired import Campaign, Desired
from ..plan.model import Thresholds
from ..plan.planner import make_plan
from ..vocabulary import CampaignType, DesiredState, LiveStatus
from .common import color_enabled, color_option
from .help import epilog, verbose_option

__all__ = ["NEXT_STEPS", "demo", "drifted_seed", "example_manifest"]

#: what the demo suggests once it converged: the way from the demo to a real operation
NEXT_STEPS: tuple[tuple[str, str], ...] = (
    ("wolkvox-reconciler init campaigns-repo --ci github", "scaffold a GitOps repository"),
    (
        "wolkvox-reconciler export --endpoint https://wv0002.wolkvox.com -o manifests/live.yaml",
        "your live campaigns as a manifest (WOLKVOX_TOKEN set; your server for 0002)",
    ),
    ("wolkvox-reconciler plan manifests/", "see what apply would change: nothing, after export"),
)


def example_manifest() -> str:
    """The example operation shipped inside the package (the same text as the
    repository's examples/campaigns.yaml), so that the demo runs from any directory."""
    from importlib import resources

    return (resources.files("reconciler") / "examples" / "campaigns.yaml").read_text("utf-8")


def drifted_seed(desired: Desired) -> dict[str, Any]:
    """A live operation that differs from `desired` in every way a plan can show: some
    campaigns missing, some in the wrong state, some with records to clear, one unmanaged.

    The drift stays within apply's default safety thresholds (clears, share of stops), so
    the demo converges without `--force` whatever the size of the manifests; and generated
    ids never collide with the ids the manifests pin."""
    pinned = {c.id for c in desired.campaigns if c.id is not None}
    fresh = (str(n) for n in itertools.count(4600) if str(n) not in pinned)
    drifted: list[tuple[Campaign, dict[str, Any]]] = []
    for index, campaign in enumerate(desired.campaigns):
        if index % 4 == 3 and campaign.id is None:
            continue  # missing live: the plan creates it
        started = campaign.state is DesiredState.STARTED
        if index % 3 == 1:
            started = not started  # wrong state: the plan starts or stops it
        row = {
            "campaign_id": campaign.id or next(fresh),
            "campaign_name": campaign.name,
            "campaign_description": campaign.description,
            "type_campaign": campaign.type.value,
            "status": "Started" if started else "Stopped",
            "records": 250 if campaign.state is DesiredState.CLEARED else 40,
        }
        drifted.append((campaign, row))
    legacy_id = "4599" if "4599" not in pinned else next(fresh)
    legacy = {
        "campaign_id": legacy_id,
        "campaign_name": "legacy-unmanaged",
        "campaign_description": "made by hand in the console",
        "type_campaign": "preview",
        "status": "Stopped",
        "records": 12,
    }
    rows = [row for _, row in drifted] + [legacy]
    # put campaigns back in their desired state, last first, until apply would accept
    # the plan without --force (a demo that stops at a safety refusal shows nothing)
    for campaign, row in reversed(drifted):
        if not make_plan(desired, _live(rows)).threshold_violations(Thresholds()):
            break
        row["status"] = "Started" if campaign.state is DesiredState.STARTED else "Stopped"
        if campaign.state is DesiredState.CLEARED:
            row["records"] = 0
    # the operation has the skills the manifests name (apply checks them before a create)
    skills = sorted({c.skill_id for c in desired.campaigns if c.skill_id})
    return {
        "campaigns": rows,
        "skills": [{"skill_id": s, "skill_name": f"skill {s}"} for s in skills],
    }


def _live(rows: Sequence[dict[str, Any]]) -> list[LiveCampaign]:
    return [
        LiveCampaign(
            campaign_id=row["campaign_id"],
            name=row["campaign_name"],
            type=CampaignType(row["type_campaign"]),
            status=LiveStatus(row["status"]),
            records=row["records"],
            description=row["campaign_description"],
        )
        for row in rows
    ]


@contextmanager
def _simulator(seed: Path, token: str) -> Iterator[str]:
    # stderr to a file, not a pipe: nobody would drain a pipe while the demo runs
    log = seed.with_name("simulator.log")
    with log.open("w") as stderr:
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
            stderr=stderr,
            text=True,
        )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if "http://" not in line:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
            why = " ".join(log.read_text(errors="replace").split())[:500]
            raise ConfigError(f"the simulator did not start: {why or 'no reason given'}")
        yield line[line.index("http://") :].strip()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - a stuck simulator
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


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
    with _simulator(seed, token) as url:
        click.echo(f"Simulator with {len(desired.campaigns)} drifted campaigns at {url}")
        env = dict(os.environ)
        env[desired.operation.token_env] = token
        env["WOLKVOX_ENDPOINT"] = url
        env["WOLKVOX_LOCK_DIR"] = str(Path(tmp, "locks"))  # the demo's own lock, not the user's
        state = ["--state-dir", str(Path(tmp, "state"))]
        flags = ["-" + "v" * verbose] if verbose else []
        if not color:
            flags.append("--no-color")
        steps = [
            ["plan", *paths, *flags],
            ["apply", *paths, "--auto-approve", *state, *flags],
            ["plan", *paths, "--detailed-exitcode", *flags],
        ]
        return [_step(step, env, cwd, color) for step in steps]
