"""`${VAR}` / `${VAR:-default}` interpolation rules."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.manifest.interpolate import InterpolationError, interpolate

ENV = {"WAVE": "w3", "EMPTY": "", "SERVER": "0002"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no variables", "no variables"),
        ("${WAVE}", "w3"),
        ("sales-${WAVE}-${SERVER}", "sales-w3-0002"),
        ("${EMPTY}", ""),  # set but empty is still set
        ("${MISSING:-w1}", "w1"),
        ("${EMPTY:-w1}", "w1"),  # as in the shell, :- also replaces an empty value
        ("${WAVE:-w1}", "w3"),
        ("${MISSING:-}", ""),
        ("costs $5", "costs $5"),  # a lone dollar is just a dollar
        ("$WAVE", "$WAVE"),  # only the braced form interpolates
        ("$${WAVE}", "${WAVE}"),  # $${ escapes
        ("${MISSING:-a:-b}", "a:-b"),
    ],
)
def test_interpolates(text: str, expected: str) -> None:
    assert interpolate(text, ENV) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("${MISSING}", "environment variable MISSING is not set"),
        ("a-${WAVE", "unterminated '${WAVE': missing '}'"),
        ("${}", "bad variable reference '${}'"),
        ("${1A}", "bad variable reference '${1A}'"),
        ("${A B}", "bad variable reference '${A B}'"),
        ("${A-b}", "bad variable reference '${A-b}'"),
    ],
)
def test_refuses(text: str, message: str) -> None:
    with pytest.raises(InterpolationError, match="^" + re.escape(message)):
        interpolate(text, ENV)


def test_a_forbidden_variable_is_refused_even_with_a_default() -> None:
    for text in ("${TOKEN}", "x-${TOKEN:-none}"):
        with pytest.raises(InterpolationError, match="holds the API token"):
            interpolate(text, {"TOKEN": "secret"}, forbidden=frozenset({"TOKEN"}))
    assert interpolate("${WAVE}", ENV, forbidden=frozenset({"TOKEN"})) == "w3"


# the first implementation, which walked the text one character at a time: the faster one
# must agree with it on every text
_REFERENCE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def reference_interpolate(
    text: str, environ: Mapping[str, str], *, forbidden: frozenset[str] = frozenset()
) -> str:
    if "$" not in text:
        return text
    out: list[str] = []
    i = 0
    while i < len(text):
        if text.startswith("$${", i):
            out.append("${")
            i += 3
            continue
        if not text.startswith("${", i):
            out.append(text[i])
            i += 1
            continue
        end = text.find("}", i + 2)
        if end < 0:
            raise InterpolationError(f"unterminated {text[i : i + 20]!r}: missing '}}'")
        body = text[i + 2 : end]
        name, has_default, default = body.partition(":-")
        if not _REFERENCE_NAME.match(name):
            raise InterpolationError(
                f"bad variable reference '${{{body}}}': expected ${{NAME}} or "
                "${NAME:-default}, NAME made of letters, digits and _"
            )
        if name in forbidden:
            raise InterpolationError(
                f"${{{name}}} holds the API token, which never goes into a manifest value"
            )
        value = environ.get(name)
        if has_default:
            out.append(value if value else default)
        elif value is None:
            raise InterpolationError(
                f"environment variable {name} is not set (write ${{{name}:-default}} "
                "to give a default)"
            )
        else:
            out.append(value)
        i = end + 1
    return "".join(out)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="$ {}:-AB_x1", max_size=24))
def test_agrees_with_the_character_by_character_version(text: str) -> None:
    env = {"A": "a", "B": "", "x1": "$${A}"}
    results = []
    for implementation in (reference_interpolate, interpolate):
        try:
            results.append(implementation(text, env, forbidden=frozenset({"B"})))
        except InterpolationError as exc:
            results.append(f"error: {exc}")
    assert results[0] == results[1]


def test_manifests_see_only_the_prefix_and_the_listed_names() -> None:
    from reconciler.manifest.interpolate import ManifestEnviron

    env = ManifestEnviron(
        {"WOLKVOX_VAR_A": "a", "LISTED": "l", "GITHUB_TOKEN": "g"}, frozenset({"LISTED"})
    )
    assert interpolate("${WOLKVOX_VAR_A}-${LISTED}", env) == "a-l"
    assert dict(env) == {"WOLKVOX_VAR_A": "a", "LISTED": "l"}
    for text in ("${GITHUB_TOKEN}", "${GITHUB_TOKEN:-fallback}", "${UNSET_AND_UNLISTED:-d}"):
        with pytest.raises(InterpolationError, match=r"operation\.variables"):
            interpolate(text, env)


def test_the_state_url_is_never_interpolated_even_when_listed(tmp_path: Path) -> None:
    from reconciler.errors import ManifestError
    from reconciler.manifest import load

    file = tmp_path / "m.yaml"
    file.write_text(
        "version: 1\noperation: {variables: [WOLKVOX_STATE_URL]}\ncampaigns:\n"
        "  - {name: a, type: preview, state: stopped, description: '${WOLKVOX_STATE_URL}'}\n"
    )
    with pytest.raises(ManifestError) as caught:
        load([str(file)], environ={"WOLKVOX_STATE_URL": "postgresql://u:pw@db/state"})
    assert "pw@db" not in str(caught.value)
