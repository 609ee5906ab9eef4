"""The fast path (`fast.py`): the same data and the same errors as the thorough path, or it
stands aside. Every test compares the two, so a difference in either fails here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reconciler.desired import Desired
from reconciler.errors import ManifestError, Problem
from reconciler.manifest import fast, load, schema
from reconciler.manifest.convert import convert
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
  - name: w-${WAVE:-1}
    state: "${STATE:-stopped}"
    enable_edition: ${EDIT:-no}
  - name: quoted
    state: stopped
    description: "price $5, not ${VAR}: $${literal}"
    protect: ${PROTECT}
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
ENV = {"PROTECT": "true", "EDIT": "yes", "VAR": "v"}


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
