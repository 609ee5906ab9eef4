"""Schema-guided typing: where booleans, integers and nulls may come from."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.manifest.convert import convert, resolve
from reconciler.manifest.schema import schema
from reconciler.manifest.yaml import parse


def data(text: str, environ: dict[str, str] | None = None) -> Any:
    root = parse(text, "m.yaml")
    assert root is not None
    return convert(root, schema(), environ or {}).data


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("true", True),
        ("False", False),
        ("yes", True),
        ("NO", False),
        ("on", "on"),  # YAML 1.1 would say True; we accept only true/false/yes/no
        ("'true'", "true"),  # quoted: a string, which the schema then refuses
        ("1", "1"),
        ("~", None),
    ],
)
def test_booleans_only_in_boolean_fields(written: str, expected: object) -> None:
    doc = data(f"version: 1\ncampaigns:\n  - {{name: x, protect: {written}, description: yes}}\n")
    assert doc["campaigns"][0]["protect"] == expected
    assert doc["campaigns"][0]["description"] == "yes"  # a string field keeps the text


@pytest.mark.parametrize(
    ("written", "expected"),
    [("5000", 5000), ("-1", -1), ("0", 0), ("0100", "0100"), ("1e3", "1e3"), ("0x10", "0x10")],
)
def test_integers_only_in_integer_fields(written: str, expected: object) -> None:
    doc = data(f"version: 1\noperation: {{daily_quota: {written}, server: {written}}}\n")
    assert doc["operation"]["daily_quota"] == expected
    assert doc["operation"]["server"] == written


def test_unknown_places_keep_text() -> None:
    assert data("version: 1\nextra: {a: yes, b: 12}\n")["extra"] == {"a": "yes", "b": "12"}


def test_values_are_interpolated_before_typing() -> None:
    doc = data(
        "version: 1\noperation: {daily_quota: $Q}\ncampaigns:\n  - {name: '${N}'}\n",
        {"N": "n1"},
    )
    assert doc["operation"]["daily_quota"] == "$Q"  # not ${...}: left alone
    assert doc["campaigns"][0]["name"] == "n1"


def test_an_interpolation_error_is_located_and_keeps_the_text() -> None:
    root = parse("version: 1\ncampaigns:\n  - name: ${NOPE}\n", "m.yaml")
    assert root is not None
    converted = convert(root, schema(), {})
    assert converted.data["campaigns"][0]["name"] == "${NOPE}"
    ((path, problem),) = converted.problems
    assert path == ("campaigns", 0, "name")
    assert str(problem).startswith("m.yaml:3:11: environment variable NOPE is not set")


def test_resolve_follows_local_refs() -> None:
    root = schema()
    assert resolve({"$ref": "#/$defs/state"}, root)["enum"] == [
        "started",
        "stopped",
        "cleared",
        "absent",
    ]


def test_values_under_unknown_keys_are_not_interpolated() -> None:
    root = parse("version: 1\nextra: ${NOPE}\ncampaigns:\n  - {colour: '${NOPE}'}\n", "m.yaml")
    assert root is not None
    converted = convert(root, schema(), {})
    assert converted.problems == []
    assert converted.data["extra"] == "${NOPE}"
    assert converted.data["campaigns"][0]["colour"] == "${NOPE}"
