"""A converted file's paths: one step at a time."""

from __future__ import annotations

from reconciler.manifest.converted import Converted, join


def test_join_extends_a_path_by_a_key_or_an_index() -> None:
    assert join((), "campaigns") == ("campaigns",)
    assert join(("campaigns",), 3) == ("campaigns", 3)
    converted = Converted(data={})
    assert converted.values == {} and converted.problems == []
