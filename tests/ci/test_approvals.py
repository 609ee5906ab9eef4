"""Approvals travel with the review, end to end: a plan past the safety thresholds fails the
pull request's check with "approval needed"; a member's `/wolkvox-approve DIGEST` on the
pull request (read from a fake GitHub by the comment tool, as the recipes do) lets plan
pass and apply on merge go through, for exactly that plan and nothing more."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.ci.fake_forge import FakeForge
from tests.helpers import Simulator, row, run_cli

pytestmark = pytest.mark.e2e

TOKEN = "tk-e2e-7f3k9q2w1z"
FORGE_TOKEN = "ghs_forge_token_approvals"
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


def approvals(forge: FakeForge, *target: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-m", "reconciler.ci.comments", "github", *target, "--approvals"],
        env={**forge.env(), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert FORGE_TOKEN not in result.stdout + result.stderr
    return result.stdout.split()


def test_a_delete_needs_a_members_approval_of_exactly_that_plan(
    simulator: Callable[..., Simulator], tmp_path: Path
) -> None:
    sim = simulator(SEED, "--token", TOKEN)
    manifest = tmp_path / "campaigns.yaml"
    manifest.write_text(MANIFEST)

    def plan(approved: list[str]) -> subprocess.CompletedProcess[str]:
        env = {**sim.env, "WOLKVOX_APPROVED": " ".join(approved)}
        return run_cli("plan", str(manifest), "--detailed-exitcode", "--require-approval", env=env)

    # the pull request's check: red, with what to do
    first = plan([])
    assert first.returncode == 1, first.stdout + first.stderr
    digest = re.search(r"approval needed for plan ([0-9a-f]{16})", first.stderr)
    assert digest, first.stderr
    assert f"/wolkvox-approve {digest[1]}" in first.stderr

    with FakeForge(FORGE_TOKEN) as forge:
        forge.state.pulls[7] = {"number": 7, "user": {"login": "alice"}, "merged_at": "2026-12-04"}
        forge.state.commit_pulls["abc123"] = [7]
        # the author approving their own plan, and an outsider, do not count
        forge.state.comment(7, "alice", f"/wolkvox-approve {digest[1]}", "MEMBER")
        forge.state.comment(7, "mallory", f"/wolkvox-approve {digest[1]}", "NONE")
        assert approvals(forge, "--pr", "7") == []
        assert plan(approvals(forge, "--pr", "7")).returncode == 1
        # a member's approval, read again on the pull request and at merge from the commit
        forge.state.reviews[7] = [
            {
                "id": 9,
                "state": "APPROVED",
                "body": f"looks right\n/wolkvox-approve {digest[1]}",
                "user": {"login": "bob"},
                "author_association": "MEMBER",
            }
        ]
        assert approvals(forge, "--pr", "7") == [digest[1]]
        approved = approvals(forge, "--commit", "abc123")
    assert approved == [digest[1]]
    passed = plan(approved)
    assert passed.returncode == 2, passed.stderr
    assert "Approved" in passed.stderr

    # nothing more than what was reviewed: the live side moved, the approval does not carry
    moved = dict(SEED["campaigns"][1], records=950)
    other = simulator({"campaigns": [SEED["campaigns"][0], moved]}, "--token", TOKEN)
    refused = run_cli(
        "apply", str(manifest), "--auto-approve", env={**other.env, "WOLKVOX_APPROVED": approved[0]}
    )
    assert refused.returncode == 1
    assert "approval needed for plan" in refused.stderr and approved[0] not in refused.stderr
    assert {r["campaign_id"] for r in other.campaigns()} == {"101", "102"}

    # apply on merge with the approval: exactly the delete that was reviewed
    done = run_cli(
        "apply", str(manifest), "--auto-approve", env={**sim.env, "WOLKVOX_APPROVED": approved[0]}
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert {r["campaign_id"] for r in sim.campaigns()} == {"101"}


def test_a_malformed_approval_is_a_usage_error(tmp_path: Path) -> None:
    manifest = tmp_path / "campaigns.yaml"
    manifest.write_text(MANIFEST)
    result = run_cli("plan", str(manifest), "--detailed-exitcode", "--approved", "not-a-digest")
    assert result.returncode == 1
    assert "not a plan digest" in result.stderr
