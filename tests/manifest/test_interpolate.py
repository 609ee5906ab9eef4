"""`${VAR}` / `${VAR:-default}` interpolation rules."""

from __future__ import annotations

import re

import pytest

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
