"""The release: one version source (`reconciler.__version__`) that every place naming a
version agrees with, a changelog, a license, and a wheel that installs and runs the demo."""

from __future__ import annotations

import importlib.metadata
import os
import re
import subprocess
import sys
import venv
from pathlib import Path

import pytest

import reconciler

ROOT = Path(__file__).resolve().parents[1]
# files that name the released version a user installs
PINNED = [
    "action.yml",
    ".pre-commit-hooks.yaml",
    "examples/ci/github-actions.yml",
    "examples/ci/gitlab-ci.yml",
    "reconciler/examples/ci/github-actions.yml",
    "reconciler/examples/ci/gitlab-ci.yml",
    "docs/ci-recipes.md",
]


def test_the_installed_metadata_reads_the_one_version_source() -> None:
    assert importlib.metadata.version("wolkvox-reconciler") == reconciler.__version__
    assert 'dynamic = ["version"]' in (ROOT / "pyproject.toml").read_text()


@pytest.mark.parametrize("name", PINNED)
def test_every_pinned_version_is_the_package_version(name: str) -> None:
    versions = set(re.findall(r"@v(\d+\.\d+\.\d+)", (ROOT / name).read_text()))
    versions |= set(re.findall(r"(?:rev|default): v(\d+\.\d+\.\d+)", (ROOT / name).read_text()))
    text = (ROOT / name).read_text()
    versions |= set(re.findall(r"wolkvox-reconciler(?:\[[\w,]+\])?==(\d+\.\d+\.\d+)", text))
    assert versions == {reconciler.__version__}, name


def test_the_changelog_has_an_unreleased_section_and_the_current_release() -> None:
    text = (ROOT / "CHANGELOG.md").read_text()
    assert text.index("## [Unreleased]") < text.index(f"## [{reconciler.__version__}]")


def test_the_license_is_mit() -> None:
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")


@pytest.mark.slow
@pytest.mark.e2e
def test_the_built_wheel_installs_in_a_fresh_venv_and_runs_the_demo(tmp_path: Path) -> None:
    # `build.env`, not `build`: a `build/` directory left by setuptools in the checkout is
    # importable as a namespace package where the `build` tool is not installed (`.[test]`)
    pytest.importorskip("build.env", reason="the `build` tool comes with the dev extra")
    dist = tmp_path / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(dist), str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    assert list(dist.glob("*.tar.gz")), "no sdist"
    (wheel,) = dist.glob("*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / "bin"
    subprocess.run([bin_dir / "pip", "install", "-q", str(wheel)], check=True, capture_output=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("WOLKVOX_")}
    result = subprocess.run(
        [bin_dir / "wolkvox-reconciler", "demo", "--no-color"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes." in result.stdout
