"""`init`'s files: a repository ready for the CI loop, written only where nothing is."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.errors import ConfigError
from reconciler.export.scaffold import scaffold_files, write_scaffold


def test_each_ci_gets_its_recipe_and_the_state_dir_is_ignored() -> None:
    github = scaffold_files("github", None)
    assert ".github/workflows/campaigns.yml" in github
    assert ".gitlab-ci.yml" in scaffold_files("gitlab", "campaigns: []\n")
    assert ".wolkvox-reconciler/" in github[".gitignore"]
    assert github["manifests/campaigns.yaml"].startswith("# yaml-language-server: $schema=")
    with pytest.raises(ConfigError, match="--ci must be one of"):
        scaffold_files("jenkins", None)


def test_a_directory_with_anything_but_git_is_refused(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    written = write_scaffold(tmp_path, {"a.txt": "x"})
    assert [p.name for p in written] == ["a.txt"]
    with pytest.raises(Exception, match="not empty"):
        write_scaffold(tmp_path, {"b.txt": "y"})
    assert not (tmp_path / "b.txt").exists()
