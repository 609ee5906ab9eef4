"""`export` and `init` as a user runs them: the installed CLI against the simulator."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import Simulator, row, run_cli

pytestmark = pytest.mark.e2e

NAMES = ["no", "~", "0012", ": x", "#", "ñandú 北京", "dup", "dup", "${HOME}", "yes", " pad"]


def seed() -> dict[str, object]:
    statuses = ["Started", "Stopped"]
    return {
        "campaigns": [
            row(
                str(200 + i),
                name,
                "preview" if i % 2 else "predictive",
                statuses[i % 2],
                (i % 3) * 5,
                f"desc: {name} 'q' \"dq\"" if i % 2 else "",
            )
            for i, name in enumerate(NAMES)
        ]
    }


def test_export_then_plan_says_no_changes(
    simulator: Callable[..., Simulator], tmp_path: Path
) -> None:
    sim = simulator(seed())
    out = tmp_path / "manifests" / "live.yaml"
    exported = run_cli("export", "-o", str(out), env=sim.env)
    assert exported.returncode == 0, exported.stderr
    assert sim.token not in out.read_text()
    planned = run_cli("plan", str(out.parent), "--detailed-exitcode", env=sim.env)
    assert planned.returncode == 0, planned.stdout + planned.stderr
    assert "No changes." in planned.stdout
    # every live campaign is in the manifest but " pad", whose name no manifest can hold
    # (surrounding spaces): renaming it would be a change, so it stays unmanaged
    assert planned.stdout.count("[unmanaged]") == 1 and "  ? " in planned.stdout
    assert "# not exported: the live name ' pad'" in out.read_text()
    again = run_cli("export", "-o", str(out), env=sim.env)
    assert again.returncode == 1 and "refusing to overwrite" in again.stderr


def test_export_split_writes_one_file_per_campaign(
    simulator: Callable[..., Simulator], tmp_path: Path
) -> None:
    sim = simulator(seed())
    result = run_cli("export", "--split", str(tmp_path / "m"), env=sim.env)
    assert result.returncode == 0, result.stderr
    files = sorted(p.name for p in (tmp_path / "m").iterdir())
    assert len(files) == len(NAMES) - 1 + 1 and "operation.yaml" in files  # not " pad"
    planned = run_cli("plan", str(tmp_path / "m"), "--detailed-exitcode", env=sim.env)
    assert planned.returncode == 0, planned.stdout + planned.stderr


def test_export_prints_to_stdout_and_needs_a_token(
    simulator: Callable[..., Simulator], tmp_path: Path
) -> None:
    sim = simulator(seed())
    printed = run_cli("export", env=sim.env)
    assert printed.returncode == 0 and printed.stdout.count("  - name: ") == len(NAMES) - 1
    no_token = run_cli("export", env={"WOLKVOX_ENDPOINT": sim.url})
    assert no_token.returncode == 1 and "WOLKVOX_TOKEN" in no_token.stderr
    assert "Traceback" not in no_token.stderr


def test_the_scaffolded_pre_commit_config_validates_the_manifests(tmp_path: Path) -> None:
    import subprocess
    import sys

    repo = tmp_path / "repo"
    assert run_cli("init", str(repo)).returncode == 0
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "GIT_CONFIG_GLOBAL": "/dev/null",
    }
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env)
    command = [sys.executable, "-m", "pre_commit", "run", "--all-files"]
    good = subprocess.run(command, cwd=repo, capture_output=True, text=True, env=env)
    assert good.returncode == 0 and "Passed" in good.stdout, good.stdout + good.stderr
    (repo / "manifests" / "campaigns.yaml").write_text("version: 2\n")
    bad = subprocess.run(command, cwd=repo, capture_output=True, text=True, env=env)
    assert bad.returncode == 1 and "manifests/campaigns.yaml:1:" in bad.stdout
