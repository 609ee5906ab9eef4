"""`show PLANFILE`: a saved plan printed exactly as `plan` printed it; no API, no token."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli import cli
from reconciler.client.live import LiveCampaign
from reconciler.manifest import load
from reconciler.manifest.desired import Operation
from reconciler.plan.model import Plan
from reconciler.plan.planner import make_plan
from reconciler.plan.saved import SavedPlan, plan_document, write_plan
from reconciler.render import render_json, render_markdown, render_text
from reconciler.render.show import show_plan
from reconciler.secret import Secret
from reconciler.vocabulary import CampaignType, LiveStatus
from tests.helpers import Simulator, row, run_cli

MANIFEST = """\
version: 1
campaigns:
  - {name: a, type: preview, state: started, description: first}
  - {name: b, type: predictive, state: cleared}
  - {name: new, type: preview, state: started}
"""
TOKEN = Secret("show-test-token-3f2e")
LIVE = [
    LiveCampaign("1", "a", CampaignType.PREVIEW, LiveStatus.STOPPED, 3, "first"),
    LiveCampaign("2", "b", CampaignType.PREDICTIVE, LiveStatus.STARTED, 9),
    LiveCampaign("3", "legacy", CampaignType.PREVIEW, LiveStatus.STARTED, 0),
]


@pytest.fixture
def saved(tmp_path: Path) -> tuple[Path, object]:
    manifest = tmp_path / "m.yaml"
    manifest.write_text(MANIFEST)
    desired = load([str(manifest)])
    plan = make_plan(desired, LIVE)
    path = tmp_path / "plan.json"
    write_plan(SavedPlan(plan, desired.operation, paths=(str(manifest),)), path, TOKEN)
    return path, plan


def test_show_renders_each_format_as_the_renderers_do(saved: tuple[Path, Plan]) -> None:
    path, plan = saved
    assert show_plan(path, "text") == render_text(plan)
    document = plan_document(
        SavedPlan(plan, Operation(), paths=(str(path.parent / "m.yaml"),)), TOKEN
    )
    assert show_plan(path, "json") == render_json(document)
    assert show_plan(path, "json") == path.read_text()  # the saved file, byte for byte
    assert show_plan(path, "markdown").rstrip("\n") == render_markdown(plan).rstrip("\n")


def test_show_needs_no_token_and_no_endpoint(saved: tuple[Path, object]) -> None:
    result = CliRunner().invoke(cli, ["show", str(saved[0])], env={"WOLKVOX_TOKEN": None})
    assert result.exit_code == 0, result.output
    assert "Plan: 1 to create" in result.output


def test_show_split_writes_numbered_comments_under_the_limit(
    saved: tuple[Path, object], tmp_path: Path
) -> None:
    out = tmp_path / "comments"
    result = CliRunner().invoke(
        cli, ["show", str(saved[0]), "--markdown", "--split", str(out), "--limit", "2000"]
    )
    assert result.exit_code == 0, result.output
    files = sorted(out.iterdir())
    assert next(f.name for f in files) == "plan-1.md"
    assert all(len(f.read_text()) <= 2000 for f in files)


def test_show_refuses_split_without_markdown_and_both_formats(saved: tuple[Path, object]) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["show", str(saved[0]), "--split", "x"]).exit_code == 2
    assert runner.invoke(cli, ["show", str(saved[0]), "--json", "--markdown"]).exit_code == 2


def test_a_missing_or_corrupt_plan_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    for path in (bad, tmp_path / "missing.json"):
        result = run_cli("show", str(path))
        assert result.returncode == 1
        assert "Traceback" not in result.stderr and str(path) in result.stderr


@pytest.mark.e2e
def test_show_prints_what_plan_printed(simulator: Callable[..., Simulator], tmp_path: Path) -> None:
    sim = simulator(
        {
            "campaigns": [
                row("1", "a", "preview", "Stopped", 3, "first"),
                row("2", "b", "predictive", "Started", 9, ""),
            ]
        }
    )
    manifest = tmp_path / "m.yaml"
    manifest.write_text(MANIFEST)
    for flags in ([], ["--json"], ["--markdown"]):
        out = tmp_path / f"plan{len(flags)}{flags[:1]}.json"
        planned = run_cli("plan", str(manifest), "--out", str(out), *flags, env=sim.env)
        assert planned.returncode == 0, planned.stderr
        shown = run_cli("show", str(out), *flags)  # no token, no endpoint
        assert shown.returncode == 0, shown.stderr
        assert shown.stdout == planned.stdout
