"""`demo` is the quickstart's main job: it must converge on the shipped example."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.commands.demo import drifted_seed
from reconciler.manifest import load
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


@pytest.mark.e2e
def test_demo_plans_applies_and_converges(tmp_path: Path) -> None:
    result = run_cli("demo", EXAMPLE, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "to create" in out
    assert "0 failed" in out
    assert out.rstrip().endswith("Converged: a second plan has nothing to do.")
    assert "No changes." in out


@pytest.mark.e2e
def test_demo_reports_a_bad_manifest_without_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\ncampaigns:\n  - name: x\n    state: sideways\n")
    result = run_cli("demo", str(bad), cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{bad}:4:" in result.stderr


@pytest.mark.e2e
@pytest.mark.parametrize("command", ["validate", "schema", "plan", "apply", "simulate", "demo"])
def test_every_command_accepts_verbose_after_its_name(command: str) -> None:
    result = run_cli(command, "-v", "--help")
    assert result.returncode == 0, result.stderr
    assert "--verbose" in result.stdout


@pytest.mark.e2e
def test_demo_verbose_shows_the_api_calls_of_each_step(tmp_path: Path) -> None:
    result = run_cli("demo", "-v", EXAMPLE, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "GET campaigns" in result.stderr
    assert "POST create_campaign" in result.stderr
