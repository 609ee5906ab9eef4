"""The fast path (`fast.py`): the same data and the same errors as the thorough path, or it
stands aside. Every test compares the two, so a difference in either fails here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.errors import ManifestError, Problem
from reconciler.manifest import fast, load, schema
from reconciler.manifest.convert import convert
from reconciler.manifest.desired import Desired
from reconciler.manifest.yaml import parse

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "campaigns.yaml"
BAD = sorted((Path(__file__).parent / "fixtures" / "bad").glob("*.yaml"))

GOOD = [
    EXAMPLE.read_text(encoding="utf-8"),
    """version: 1
operation: {server: '0002', token_env: MY_TOKEN, unmanaged: stop, daily_quota: 7}
defaults: {type: preview, options: {opt1: a}, enable_edition: YES}
campaigns:
  - name: no
    state: started
    description: 1e3
    skill_id: 0100
    start_time: "08:00"
    end_time: '18:00:30'
    options: {opt2: 1001, opt12: yes}
    protect: No
    id: "4638"
  - name: w-${WOLKVOX_VAR_WAVE:-1}
    state: "${WOLKVOX_VAR_STATE:-stopped}"
    enable_edition: ${WOLKVOX_VAR_EDIT:-no}
  - name: quoted
    state: stopped
    description: "price $5, not ${WOLKVOX_VAR_VAR}: $${literal}"
    protect: ${WOLKVOX_VAR_PROTECT}
  - name: block
    state: cleared
    description: |
      two
      lines
anchored: &a
""".replace("anchored: &a\n", ""),
    "version: 1\ncampaigns: []\n",
    "\ufeffversion: 1\n# nothing else\n",
    "version: 1\ncampaigns:\n- name: ünïcödé ✓\n  type: preview\n  state: stopped\n",
]
ENV = {"WOLKVOX_VAR_PROTECT": "true", "WOLKVOX_VAR_EDIT": "yes", "WOLKVOX_VAR_VAR": "v"}


def thorough_data(text: str) -> Any:
    root = parse(text.removeprefix("\ufeff"), "m.yaml")
    assert root is not None
    return convert(root, schema.schema(), ENV).data


@pytest.mark.parametrize("text", GOOD)
def test_fast_data_is_the_converted_data(text: str, backend: str) -> None:
    parsed = fast.parse_fast(text.removeprefix("\ufeff"), schema.schema())
    assert parsed is not None
    assert fast.finish(parsed, ENV, frozenset()) == thorough_data(text)


@pytest.mark.parametrize("text", GOOD)
def test_fast_data_survives_marshalling(text: str) -> None:
    parsed = fast.parse_fast(text.removeprefix("\ufeff"), schema.schema())
    assert parsed is not None
    again = fast.Parsed.from_builtin(parsed.to_builtin())
    assert again == parsed


@pytest.mark.parametrize(
    "text",
    [
        "version: 1\nversion: 1\n",  # duplicate key
        "version: 1\ndefaults: &d {type: preview}\ncampaigns:\n- *d\n",  # alias
        "version: !!int 1\n",  # tag
        "version: 1\n? [a]\n: b\n",  # a collection as key
        "version: 1\n---\nversion: 1\n",  # second document
        "version: 1\ncampaigns: " + "[" * 70 + "]" * 70 + "\n",  # deep
        'version: 1\ncampaigns:\n- name: "\\ud800"\n',  # lone surrogate
        "",  # empty
        "# only a comment\n",
        "- version: 1\n",  # a list
        "just text\n",  # a scalar
        "version: 1\ncampaigns: [\n",  # syntax error
    ],
)
def test_fast_path_stands_aside_for_anything_unusual(text: str, backend: str) -> None:
    assert fast.parse_fast(text, schema.schema()) is None


def _load(paths: list[str], *, thorough: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    with monkeypatch.context() as patch:
        if thorough:
            patch.setattr(fast, "parse_fast", lambda *_a, **_k: None)
        try:
            return load(paths, environ=ENV, use_cache=False)
        except ManifestError as exc:
            return exc.problems


def _same(a: Desired | list[Problem], b: Desired | list[Problem]) -> None:
    assert a == b
    if isinstance(a, Desired) and isinstance(b, Desired):
        assert [c.location for c in a.campaigns] == [c.location for c in b.campaigns]


@pytest.mark.parametrize("text", GOOD)
def test_a_good_file_loads_the_same_either_way(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "m.yaml"
    file.write_text(text, encoding="utf-8")
    fast_result = _load([str(file)], thorough=False, monkeypatch=monkeypatch)
    assert isinstance(fast_result, Desired)
    _same(fast_result, _load([str(file)], thorough=True, monkeypatch=monkeypatch))


@pytest.mark.parametrize("bad", BAD, ids=[f.stem for f in BAD])
def test_errors_are_the_thorough_paths_beside_good_files(
    bad: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    # good files before and after the bad one: the fast path serves them, and their
    # names, ids and operation must still clash with the bad file's exactly as before
    before, after = tmp_path / "a.yaml", tmp_path / "z.yaml"
    before.write_text(GOOD[1], encoding="utf-8")
    after.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    paths = [str(before), str(bad), str(after)]
    fast_result = _load(paths, thorough=False, monkeypatch=monkeypatch)
    _same(fast_result, _load(paths, thorough=True, monkeypatch=monkeypatch))


def test_a_rule_across_fields_is_reported_by_the_thorough_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # schema-valid, so the fast path gets as far as the file's own rules: they fail, and
    # the error must point at the default the campaign inherits
    file = tmp_path / "m.yaml"
    file.write_text(
        "version: 1\ndefaults:\n  end_time: '07:00'\ncampaigns:\n"
        "- {name: a, type: preview, state: stopped, start_time: '08:00'}\n",
        encoding="utf-8",
    )
    (problem,) = _load([str(file)], thorough=False, monkeypatch=monkeypatch)
    assert (problem.location.line, problem.location.column) == (3, 13)
    assert "end_time 07:00 must be after start_time 08:00" in problem.message


def test_the_compiled_check_never_accepts_what_jsonschema_refuses() -> None:
    is_valid = schema.compiled()
    if is_valid is None:
        pytest.skip("jsonschema-rs is not installed")
    documents: list[Any] = [thorough_data(text) for text in GOOD]
    for bad in BAD:
        try:
            root = parse(bad.read_text(encoding="utf-8"), str(bad))
        except ManifestError:
            continue
        if root is not None:
            documents.append(convert(root, schema.schema(), {}).data)
    documents += [{"version": True}, {"version": 1.0}, {"version": 1, "campaigns": [None]}]
    assert any(schema.errors(d) for d in documents)
    for document in documents:
        if is_valid(document):
            assert schema.errors(document) == [], document


_ODD = st.sampled_from(
    [
        "a",
        "no",
        "0100",
        "1e3",
        "~",
        "",
        "${WOLKVOX_VAR_X}",
        "${WOLKVOX_VAR_NOPE}",
        "$${WOLKVOX_VAR_X}",
        "${WOLKVOX_TOKEN}",
        "[a]",
        "{b: c}",
        "!!str 1",
        "|\n      block",
        "'quoted'",
        "&k v",
        "*k",
    ]
)
# per key: values the schema accepts, then values it refuses
_VALUES = {
    "type": (["predictive", "preview", '"preview"', "${WOLKVOX_VAR_T:-preview}"], ["Preview"]),
    "state": (["started", "stopped", "'stopped'", "${WOLKVOX_VAR_S:-started}"], ["paused"]),
    "description": (
        ["text", "1e3", "no", "'${WOLKVOX_VAR_X}'", "${WOLKVOX_VAR_X:-d}", '"a: b"', '""'],
        [],
    ),
    "skill_id": (['"1001"', "0100", "1001", "'12'"], ["12a"]),
    "enable_edition": (["yes", "no", "true", "FALSE", "${WOLKVOX_VAR_X}"], ['"yes"', "on"]),
    "protect": (["true", "false", "No", "${WOLKVOX_VAR_P:-no}"], []),
    "id": (['"4638"', "4638", "'0012'"], ['"12x"']),
    "colour": ([], ["red"]),
}


def _value(draw: st.DrawFn, key: str) -> str:
    good, bad = _VALUES[key]
    if not good or draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from(bad)) if bad and draw(st.booleans()) else draw(_ODD)  # type: ignore[arg-type]
    return draw(st.sampled_from(good))


@st.composite
def _manifests(draw: st.DrawFn) -> str:
    version = "1" if draw(st.integers(0, 9)) else draw(st.sampled_from(["2", '"1"']))
    lines = [f"version: {version}"]
    if draw(st.booleans()):
        token_env = draw(
            st.sampled_from(["MY_TOKEN", "WOLKVOX_TOKEN", "${WOLKVOX_VAR_X:-T}", "X", "a b"])
        )
        lines += ["operation:", f"  token_env: {token_env}", "  server: '0002'"]
    if draw(st.booleans()):
        lines += ["defaults:", f"  type: {_value(draw, 'type')}"]
        lines.append(f"  state: {_value(draw, 'state')}")
    lines.append("campaigns:")
    for i in range(draw(st.integers(0, 4))):
        lines.append(f"  - name: c{i if draw(st.integers(0, 9)) else 0}")
        keys = ["type", "state"] if draw(st.integers(0, 9)) else []
        keys += draw(st.lists(st.sampled_from(sorted(_VALUES)), max_size=4, unique=True))
        keys = list(dict.fromkeys(k for k in keys if k != "colour" or draw(st.booleans())))
        if keys and draw(st.integers(0, 5)) == 0:
            keys.append(draw(st.sampled_from(keys)))  # a duplicate key
        for key in keys:
            lines.append(f"    {key}: {_value(draw, key)}")
        if draw(st.booleans()):
            lines.append(f"    options: {{opt1: {draw(st.sampled_from(['a', '1', 'yes']))}}}")
        if draw(st.integers(0, 3)) == 0:
            start, end = draw(st.sampled_from([("08:00", "18:00"), ("09:00:00", "07:00")]))
            lines += [f'    start_time: "{start}"', f'    end_time: "{end}"']
    return "\n".join(lines) + "\n"


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=_manifests())
def test_any_manifest_gives_the_thorough_paths_result(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # mostly valid manifests with here and there a value, a key or a reference that is not
    file = tmp_path / "m.yaml"
    file.write_text(text, encoding="utf-8")
    monkeypatch.setattr(
        "tests.manifest.test_fast.ENV",
        {"WOLKVOX_VAR_X": "yes", "WOLKVOX_VAR_S": "", "MY_TOKEN": "t"},
    )
    fast_result = _load([str(file)], thorough=False, monkeypatch=monkeypatch)
    _same(fast_result, _load([str(file)], thorough=True, monkeypatch=monkeypatch))
