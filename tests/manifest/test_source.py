"""One manifest file as read: its bytes, or a located problem."""

from __future__ import annotations

from pathlib import Path

from reconciler.errors import Problem
from reconciler.manifest.source import read


def test_a_missing_file_is_a_located_problem_and_a_good_one_a_source(tmp_path: Path) -> None:
    problems: list[Problem] = []
    assert read(str(tmp_path / "nope.yaml"), problems, cache_dir=None) is None
    assert "cannot read" in str(problems[0]) and "nope.yaml" in str(problems[0])
    good = tmp_path / "m.yaml"
    good.write_text("version: 1\ncampaigns: []\n")
    source = read(str(good), problems, cache_dir=None)
    assert source is not None and source.file == str(good)
    assert source.data({}, frozenset()) == {"version": 1, "campaigns": []}
