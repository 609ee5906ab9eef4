"""The YAML layer: scalars keep their text, duplicates and bombs are refused, and the
libyaml and pure-Python backends build the same tree."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.errors import ManifestError
from reconciler.manifest import yaml as manifest_yaml
from reconciler.manifest.yaml import MappingNode, Node, ScalarNode, SequenceNode, parse


def plain(node: Node | None) -> object:
    """A node tree as plain Python, scalars as (text, plain) pairs."""
    if isinstance(node, MappingNode):
        return {k.value: plain(v) for k, v in node.items}
    if isinstance(node, SequenceNode):
        return [plain(i) for i in node.items]
    if isinstance(node, ScalarNode):
        return (node.value, node.plain)
    return None


def test_scalars_keep_the_text_written(backend: str) -> None:
    root = parse("a: 0100\nb: no\nc: 1e3\nd: 08:00\ne: '1001'\nf: ~\ng: !!str yes\n", "m.yaml")
    assert plain(root) == {
        "a": ("0100", True),
        "b": ("no", True),
        "c": ("1e3", True),
        "d": ("08:00", True),
        "e": ("1001", False),
        "f": ("~", True),
        "g": ("yes", False),  # an explicit !!str counts as quoted: never a boolean
    }


def test_locations_are_one_based_line_and_column(backend: str) -> None:
    root = parse("version: 1\ncampaigns:\n  - name: x\n", "m.yaml")
    assert isinstance(root, MappingNode)
    key, value = root.items[1]
    assert str(key.location) == "m.yaml:2:1"
    assert isinstance(value, SequenceNode)
    item = value.items[0]
    assert isinstance(item, MappingNode)
    assert str(item.items[0][0].location) == "m.yaml:3:5"
    assert str(item.items[0][1].location) == "m.yaml:3:11"


def test_every_duplicate_key_is_an_error(backend: str) -> None:
    with pytest.raises(ManifestError) as caught:
        parse("a: 1\nb: 2\na: 3\nc: {x: 1, x: 2}\n", "m.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "m.yaml:3:1: duplicate key 'a' (first at line 1); "
        "YAML would silently keep only the last one",
        "m.yaml:4:11: duplicate key 'x' (first at line 4); "
        "YAML would silently keep only the last one",
    ]


def test_an_alias_bomb_is_refused_quickly(backend: str) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 12):  # 9**12 nodes once expanded
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    started = time.monotonic()
    with pytest.raises(ManifestError, match="alias bomb"):
        parse("\n".join(lines), "bomb.yaml")
    assert time.monotonic() - started < 2


def test_aliases_within_the_limit_are_expanded(backend: str) -> None:
    root = parse("base: &b {type: preview}\ncopy: *b\n", "m.yaml")
    assert plain(root) == {"base": {"type": ("preview", True)}, "copy": {"type": ("preview", True)}}


def test_deep_nesting_is_refused_quickly(backend: str) -> None:
    started = time.monotonic()
    with pytest.raises(ManifestError, match="nested more than 64 levels deep"):
        parse("[" * 200_000, "deep.yaml")
    assert time.monotonic() - started < 2


def test_a_control_character_is_located(backend: str) -> None:
    with pytest.raises(ManifestError) as caught:
        parse("a: 1\nb: x\x01y\n", "m.yaml")
    (problem,) = caught.value.problems
    assert (problem.location.line, problem.location.column) == (2, 5)
    assert "not allowed in YAML" in problem.message


def test_a_lone_surrogate_escape_is_located(backend: str) -> None:
    # libyaml refuses "\ud800" itself; the pure-Python parser must not let it through
    with pytest.raises(ManifestError) as caught:
        parse('a: 1\nb: "x\\ud800y"\n', "m.yaml")
    (problem,) = caught.value.problems
    assert problem.location.line == 2  # the column is each parser's own: 4 or 8
    assert problem.message.startswith("YAML syntax error")


def test_an_empty_document_is_none(backend: str) -> None:
    assert parse("# only a comment\n", "m.yaml") is None
    assert parse("", "m.yaml") is None


def test_libyaml_is_used_when_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml

    seen: list[type] = []
    real = yaml.parse

    def spy(text: str, Loader: type) -> object:  # PyYAML spells it so
        seen.append(Loader)
        return real(text, Loader=Loader)

    monkeypatch.setattr(yaml, "parse", spy)
    parse("a: 1\n", "m.yaml")
    parse("a: 1\n", "m.yaml", pure=True)
    expected = yaml.CSafeLoader if manifest_yaml.HAS_LIBYAML else yaml.SafeLoader
    assert seen == [expected, yaml.SafeLoader]


# YAML built from a small alphabet of manifest-like pieces: both backends must agree
_scalars = st.sampled_from(
    ["0100", "no", "yes", "1e3", "1001", "08:00", "'q'", '"d"', "~", "", "a b", "${X}", "!!str 7"]
)
_keys = st.sampled_from(["name", "type", "state", "opt1", "a", "1", "yes"])


def _render(value: object, indent: int) -> str:
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "".join(f"\n{pad}{k}: {_render(v, indent + 2)}" for k, v in value.items())
    if isinstance(value, list):
        if not value:
            return "[]"
        return "".join(f"\n{pad}- {_render(v, indent + 2).lstrip()}" for v in value)
    return str(value)


_trees = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_keys, inner, max_size=3),
    max_leaves=10,
)


@pytest.mark.skipif(not manifest_yaml.HAS_LIBYAML, reason="libyaml is not installed")
@settings(max_examples=60, deadline=None)
@given(tree=st.dictionaries(_keys, _trees, min_size=1, max_size=4))
def test_both_backends_build_the_same_tree(tree: dict[str, object]) -> None:
    text = _render(tree, 0).lstrip("\n") + "\n"
    outcomes = []
    for pure in (False, True):
        try:
            outcomes.append(("ok", plain(parse(text, "m.yaml", pure=pure))))
        except ManifestError as exc:
            # the wording of syntax errors is each parser's own; where they are is not
            outcomes.append(("error", [(p.location.line, p.location.column) for p in exc.problems]))
    assert outcomes[0][0] == outcomes[1][0], text
    if outcomes[0][0] == "ok":
        assert outcomes[0] == outcomes[1], text
