"""The CI recipes (examples/ci/), the reusable action (action.yml) and the pre-commit
hooks: valid against the platforms' published schemas, and every wolkvox-reconciler
command and flag they call exists."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from reconciler.cli import cli

ROOT = Path(__file__).resolve().parents[1]
GITHUB = ROOT / "examples" / "ci" / "github-actions.yml"
GITLAB = ROOT / "examples" / "ci" / "gitlab-ci.yml"
ACTION = ROOT / "action.yml"
RECIPES = [GITHUB, GITLAB, ACTION]
CHECK = [sys.executable, "-m", "check_jsonschema"]


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        (GITHUB, "vendor.github-workflows"),
        (GITLAB, "vendor.gitlab-ci"),
        (ACTION, "vendor.github-actions"),
    ],
)
def test_recipe_is_valid_against_the_platform_schema(path: Path, schema: str) -> None:
    # the schemas ship inside check-jsonschema: no network
    result = subprocess.run(
        [*CHECK, "--builtin-schema", schema, str(path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _scripts(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("run", "script", "before_script", "after_script"):
                yield from ([value] if isinstance(value, str) else value)
            else:
                yield from _scripts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _scripts(item)


def _invocations(path: Path) -> list[list[str]]:
    """Every `wolkvox-reconciler ...` command line, continuation lines joined, cut at the
    first shell operator or redirection."""
    calls = []
    for script in _scripts(yaml.safe_load(path.read_text())):
        text = script.replace("\\\n", " ")
        # a folded `run: >-` block is one line already; a literal one, one command a line
        for line in text.splitlines():
            # at a command's position: a line's start, or after && / || / ;
            pattern = r"(?:^\s*|(?:&&|\|\||;)\s*)wolkvox-reconciler (?P<rest>[^;|&>#]*)"
            for match in re.finditer(pattern, line):
                words = shlex.split(match.group("rest").replace("$PATHS", "manifests/"))
                calls.append([w for w in words if not re.fullmatch(r"\d*", w)])
    return calls


def _options(command: click.Command) -> set[str]:
    names = {"--help", "-h"}
    for param in command.params:
        if isinstance(param, click.Option):
            names.update(param.opts + param.secondary_opts)
    return names


@pytest.mark.parametrize("path", RECIPES, ids=lambda p: p.name)
def test_every_command_and_flag_a_recipe_calls_exists(path: Path) -> None:
    calls = _invocations(path)
    assert calls, "the recipe calls no wolkvox-reconciler command"
    ctx = click.Context(cli)
    for words in calls:
        command = cli.get_command(ctx, words[0])
        assert command is not None, f"{path.name}: no command {words[0]!r}"
        for word in words[1:]:
            if word.startswith("-"):
                flag = word.split("=")[0]
                assert flag in _options(command), f"{path.name}: {words[0]} has no {flag}"


@pytest.mark.parametrize("path", RECIPES, ids=lambda p: p.name)
def test_the_recipes_plan_with_detailed_exitcode_and_apply_without_a_prompt(path: Path) -> None:
    calls = _invocations(path)
    plans = [c for c in calls if c[0] == "plan"]
    applies = [c for c in calls if c[0] == "apply"]
    assert plans and all("--detailed-exitcode" in c and "--out" in c for c in plans)
    assert applies and all("--auto-approve" in c for c in applies)
    assert ["show", "plan.json", "--markdown", "--split", "comments/"] in calls


def test_the_recipes_close_the_gitops_loop() -> None:
    github, gitlab, action = GITHUB.read_text(), GITLAB.read_text(), ACTION.read_text()
    for text in (github, gitlab, action):
        assert "--edit-last" not in text  # any comment of the bot, from any workflow
        assert "--marker" in text
        # the pull request's check fails unless approved; apply reads the merged request's
        assert "--require-approval" in text and "--approvals" in text
        assert "--close-issue" in text  # the drift issue closes once drift clears
        # success is exactly 0 or 2 (no other code of plan passes the check)
        assert '[ "$code" -eq 0 ] || [ "$code" -eq 2 ]' in text
    workflow = yaml.safe_load(github)
    assert workflow["jobs"]["plan"]["concurrency"]["cancel-in-progress"] is True
    assert workflow["jobs"]["apply"]["concurrency"]["cancel-in-progress"] is False
    assert {"workflow_dispatch", "schedule", "pull_request_review"} <= set(workflow[True])
    pipeline = yaml.safe_load(gitlab)
    assert pipeline["apply"]["resource_group"] == "wolkvox-operation"
    assert "--oldest-first wolkvox-operation" in " ".join(pipeline["order-applies"]["script"])
    caches = [pipeline["default"]["cache"], pipeline["apply"]["cache"]]
    assert {c["key"] for c in caches} == {"wolkvox-state"} and all(c["unprotect"] for c in caches)
    assert (
        "-slim" in pipeline["default"]["image"]
        and "git+" not in pipeline["variables"]["RECONCILER"]
    )


@pytest.mark.parametrize("path", RECIPES, ids=lambda p: p.name)
def test_no_expression_is_spliced_into_a_script(path: Path) -> None:
    # ${{ … }} in a run block is script injection (a branch name, a title); env: carries it
    for script in _scripts(yaml.safe_load(path.read_text())):
        assert "${{" not in script, script[:200]


def test_the_recipes_install_this_release_and_the_action_its_own_checkout() -> None:
    from reconciler import __version__ as version

    for path in (GITHUB, GITLAB):
        assert f'RECONCILER: "wolkvox-reconciler[postgres]=={version}"' in path.read_text()
    assert 'pip install "$ACTION_PATH[postgres]"' in ACTION.read_text()
    assert "ACTION_PATH: ${{ github.action_path }}" in ACTION.read_text()


def test_the_packaged_copies_of_the_recipes_are_the_examples() -> None:
    for name in ("github-actions.yml", "gitlab-ci.yml"):
        packaged = ROOT / "reconciler" / "examples" / "ci" / name
        assert packaged.read_text() == (ROOT / "examples" / "ci" / name).read_text()
    packaged = ROOT / "reconciler" / "examples" / "campaigns.yaml"
    assert packaged.read_text() == (ROOT / "examples" / "campaigns.yaml").read_text()


def test_the_pre_commit_hook_calls_validate() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    (hook,) = hooks
    assert hook["id"] == "wolkvox-validate"
    assert hook["entry"].split() == ["wolkvox-reconciler", "validate"]
    # the whole directory, not the staged files: a name taken in another file is caught
    assert hook["args"] == ["manifests/"] and hook["pass_filenames"] is False
    assert re.search(hook["files"], "manifests/campaigns.yaml")
    assert not re.search(hook["files"], ".github/workflows/campaigns.yml")


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        env={
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@t",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@t",
            "PATH": "/usr/bin:/bin",
            "HOME": str(cwd),
        },
    )


def _snapshot_of_this_repository(where: Path) -> str:
    """This working tree (tracked and new files, as git sees them) committed in a repository
    of its own at `where`, as a hooks repository is published; its commit."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (where / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, where / name)
    _git(where, "init", "-q")
    _git(where, "add", "-A")
    _git(where, "commit", "-q", "-m", "snapshot")
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=where, check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.mark.e2e
@pytest.mark.slow
def test_pre_commit_runs_the_validate_hook_from_the_hooks_repository(tmp_path: Path) -> None:
    # pre-commit builds the hook's environment (pip install of this repository) once, as
    # for a user whose .pre-commit-config.yaml names this repository: skipped cleanly where
    # the package index cannot be reached
    pytest.importorskip("pre_commit")
    hooks = tmp_path / "hooks"
    rev = _snapshot_of_this_repository(hooks)
    repo = tmp_path / "ops"
    (repo / "manifests").mkdir(parents=True)
    (repo / "manifests" / "good.yaml").write_text(
        (ROOT / "examples" / "campaigns.yaml").read_text()
    )
    (repo / ".pre-commit-config.yaml").write_text(
        yaml.safe_dump(
            {"repos": [{"repo": str(hooks), "rev": rev, "hooks": [{"id": "wolkvox-validate"}]}]}
        )
    )
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    env = {
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        # how this machine reaches the package index (the hook's environment is a pip
        # install of the project and its dependencies)
        **{k: v for k, v in os.environ.items() if k.startswith("PIP_")},
    }
    command = [sys.executable, "-m", "pre_commit", "run", "wolkvox-validate", "--all-files"]
    good = subprocess.run(command, cwd=repo, capture_output=True, text=True, env=env, timeout=300)
    if good.returncode != 0 and "Passed" not in good.stdout and "Failed" not in good.stdout:
        pytest.skip(f"the hook environment could not be installed: {good.stdout[-300:]}")
    assert good.returncode == 0 and "Passed" in good.stdout, good.stdout
    # a new file reusing a name of an unchanged one: the whole directory is validated, and
    # the error is located in the file
    (repo / "manifests" / "again.yaml").write_text(
        "version: 1\ncampaigns:\n  - {name: collections-q4, type: preview, state: stopped}\n"
    )
    _git(repo, "add", "-A")
    changed = [sys.executable, "-m", "pre_commit", "run", "wolkvox-validate", "--files",
               "manifests/again.yaml"]  # fmt: skip
    dup = subprocess.run(changed, cwd=repo, capture_output=True, text=True, env=env, timeout=300)
    assert dup.returncode == 1 and "Failed" in dup.stdout, dup.stdout
    assert "manifests/again.yaml:3:" in dup.stdout and "collections-q4" in dup.stdout
