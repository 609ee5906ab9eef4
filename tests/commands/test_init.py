"""`init`: a GitOps repository, exported from the live campaigns and bound by id."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.commands.test_export import seed
from tests.helpers import Simulator, run_cli


def test_init_with_a_token_exports_and_plans_to_no_changes(
    simulator: Callable[..., Simulator], tmp_path: Path
) -> None:
    sim = simulator(seed())
    repo = tmp_path / "repo"
    result = run_cli("init", str(repo), "--ci", "gitlab", env=sim.env)
    assert result.returncode == 0, result.stderr
    assert (repo / ".gitlab-ci.yml").is_file() and (repo / ".pre-commit-config.yaml").is_file()
    assert ".wolkvox-reconciler/" in (repo / ".gitignore").read_text()
    assert "Next steps" in (repo / "README.md").read_text()
    planned = run_cli("plan", str(repo / "manifests"), "--detailed-exitcode", env=sim.env)
    assert planned.returncode == 0, planned.stdout + planned.stderr
    # every exported name is bound by id in the state beside the manifests
    assert "campaigns by id in the state" in result.stdout
    listed = run_cli("state", "list", str(repo / "manifests"), env=sim.env)
    assert listed.returncode == 0 and "\texported " in listed.stdout


def test_init_without_a_token_writes_a_valid_example_and_never_overwrites(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    result = run_cli("init", str(repo))
    assert result.returncode == 0, result.stderr
    assert (repo / ".github" / "workflows" / "campaigns.yml").is_file()
    valid = run_cli("validate", str(repo / "manifests"))
    assert valid.returncode == 0, valid.stderr
    readme = (repo / "README.md").read_text()
    again = run_cli("init", str(repo))
    assert again.returncode == 1 and "not empty" in again.stderr
    assert (repo / "README.md").read_text() == readme
