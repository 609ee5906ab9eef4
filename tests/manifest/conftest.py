"""Fixtures of the manifest tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reconciler.manifest import yaml as manifest_yaml


@pytest.fixture(params=["libyaml", "pure"])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Runs a test once with libyaml's C parser and once with the pure-Python one: the
    loader must behave the same with either."""
    if request.param == "libyaml":
        if not manifest_yaml.HAS_LIBYAML:
            pytest.skip("libyaml is not installed")
    else:
        monkeypatch.setattr(manifest_yaml, "HAS_LIBYAML", False)
    yield request.param


@pytest.fixture(autouse=True)
def _own_cache_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parse cache of these tests is theirs alone: never the user's, never shared."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
