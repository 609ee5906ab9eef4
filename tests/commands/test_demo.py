"""`demo` is the quickstart's main job: it must converge on the shipped example."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.client.live import LiveCampaign
from reconciler.manifest import load
from reconciler.plan.model import Thresholds
from reconciler.plan.planner import make_plan
from reconciler.vocabulary import CampaignType, LiveStatus
from reconciler.workflow.demo import drifted_seed
from tests.helpers import run_cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = str(ROOT / "examples" / "campaigns.yaml")


def test_drifted_seed_keeps_pinned_ids_and_leaves_some_campaigns_out() -> None:
    desired = load([EXAMPLE])
    rows = drifted_seed(desired)["campaigns"]
    ids = {row["campaign_name"]: row["campaign_id"] for row in rows}
    for campaign in desired.campaigns:
        if campaign.id:
            assert ids[campaign.name] == campaign.id
    assert len([c for c in desired.campaigns if c.name not in ids]) >= 1
    assert "legacy-unmanaged" in ids


def big_manifest(tmp_path: Path) -> str:
    """24 campaigns, two pinned to ids the seed would otherwise generate (4600, 4599)."""
    states = ["stopped", "cleared", "started"]
    lines = ["version: 1", "defaults: {type: preview}", "campaigns:"]
    lines += [f"  - {{name: c{i:02d}, state: {states[i % 3]}}}" for i in range(24)]
    lines += ['  - {name: pinned-a, state: started, id: "4600"}']
    lines += ['  - {name: pinned-b, state: stopped, id: "4599"}']
    path = tmp_path / "big.yaml"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_drifted_seed_never_reuses_a_pinned_id(tmp_path: Path) -> None:
    rows = drifted_seed(load([big_manifest(tmp_path)]))["campaigns"]
    ids = [row["campaign_id"] for row in rows]
    assert len(ids) == len(set(ids))
    by_name = {row["campaign_name"]: row["campaign_id"] for row in rows}
    assert by_name["pinned-a"] == "4600" and by_name["pinned-b"] == "4599"


def test_drifted_seed_stays_within_the_safety_thresholds(tmp_path: Path) -> None:
    # past them, the demo's `apply` (without --force) would refuse and the demo fail
    desired = load([big_manifest(tmp_path)])
    rows = drifted_seed(desired)["campaigns"]
    live = [
        LiveCampaign(
            r["campaign_id"],
            r["campaign_name"],
            CampaignType(r["type_campaign"]),
            LiveStatus(r["status"]),
            r["records"],
            r["campaign_description"],
        )
        for r in rows
    ]
    plan = make_plan(desired, live)
    assert plan.threshold_violations(Thresholds()) == []
    assert all(plan.summary[kind] > 0 for kind in ("stop", "clear", "create", "start"))


@pytest.mark.e2e
def test_demo_converges_on_a_big_manifest_with_pinned_ids(tmp_path: Path) -> None:
    result = run_cli("demo", big_manifest(tmp_path), cwd=tmp_path, process=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "\nConverged: a second plan has nothing to do.\n" in result.stdout


@pytest.mark.e2e
def test_demo_works_in_an_empty_directory_and_ends_with_next_steps(tmp_path: Path) -> None:
    # `cd "$(mktemp -d)" && wolkvox-reconciler demo -v`: the example ships in the package
    result = run_cli("demo", "-v", cwd=tmp_path, env={"NO_COLOR": "1"}, process=True)
    assert result.returncode == 0, result.stdout + result.stderr
    # -v: every step shows its API calls
    assert "GET campaigns" in result.stderr
    assert "POST create_campaign" in result.stderr
    out = result.stdout
    assert "to create" in out
    assert "0 failed" in out
    second_plan = out.split("--detailed-exitcode")[-1]
    assert "No changes." in second_plan
    assert "\x1b[" not in out  # NO_COLOR
    _converged, next_steps = out.split("Converged: a second plan has nothing to do.")
    commands = [line.strip() for line in next_steps.splitlines() if line.startswith("  wolk")]
    assert [c.split()[1] for c in commands] == ["init", "export", "plan"]
    assert list(tmp_path.iterdir()) == []  # nothing left behind


def test_the_packaged_example_is_the_repository_example() -> None:
    from reconciler.workflow.demo import example_manifest

    assert example_manifest() == Path(EXAMPLE).read_text(encoding="utf-8")


def test_demo_accepts_no_color() -> None:
    from click.testing import CliRunner

    from reconciler.cli import cli

    result = CliRunner().invoke(cli, ["demo", "--no-color", "--help"])
    assert result.exit_code == 0 and "--no-color" in result.output


@pytest.mark.e2e
def test_demo_reports_a_bad_manifest_without_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\ncampaigns:\n  - name: x\n    state: sideways\n")
    result = run_cli("demo", str(bad), cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{bad}:4:" in result.stderr


@pytest.mark.e2e
@pytest.mark.parametrize(
    "command", ["validate", "schema", "plan", "apply", "simulate", "demo", "export", "init", "show"]
)
def test_every_command_accepts_verbose_after_its_name(command: str) -> None:
    result = run_cli(command, "-v", "--help")
    assert result.returncode == 0, result.stderr
    assert "--verbose" in result.stdout
