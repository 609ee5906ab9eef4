"""The demo's live side: a drifted copy of the manifests' campaigns, served by the bundled
simulator in a process of its own, so that `demo` can run the real CLI against it."""

from __future__ import annotations

import contextlib
import itertools
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..client.live import LiveCampaign
from ..errors import ConfigError
from ..manifest.desired import Campaign, Desired
from ..plan.model import Thresholds
from ..plan.planner import make_plan
from ..vocabulary import CampaignType, DesiredState, LiveStatus

__all__ = ["NEXT_STEPS", "drifted_seed", "example_manifest", "running_simulator"]


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
def running_simulator(seed: Path, token: str) -> Iterator[str]:
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
