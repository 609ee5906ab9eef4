"""Nodes → plain data for the schema, guided by the schema itself.

A scalar becomes a boolean only where the schema expects a boolean and it was written
unquoted as true/false/yes/no; an integer only where the schema expects an integer and it
is an unquoted decimal without leading zeros; null only when unquoted and empty, `~` or
`null`. Everything else stays the exact text written — so `skill_id: 0100` is "0100",
`name: no` is "no" and `1e3` is "1e3", whatever YAML 1.1 would have made of them.

`${VAR}` interpolation happens here, on scalar values (never keys, nor values under keys
the schema does not know), before the typing above: `enable_edition: ${EDIT:-no}` is a
boolean.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, cast

from ..errors import Location, Problem
from .converted import Converted, JsonPath, join
from .interpolate import InterpolationError, interpolate
from .schema import resolve
from .yaml import MappingNode, Node, ScalarNode, SequenceNode

__all__ = ["BOOLEANS", "Converted", "JsonPath", "convert", "join", "resolve"]

#: the only spellings a boolean field accepts (unquoted, any case)
BOOLEANS: Mapping[str, bool] = {"true": True, "false": False, "yes": True, "no": False}
_INTEGER = re.compile(r"-?(0|[1-9][0-9]{0,17})\Z")  # longer: text, a located type error


def convert(
    node: Node,
    schema: Mapping[str, Any],
    environ: Mapping[str, str],
    *,
    secret_names: frozenset[str] = frozenset(),
) -> Converted:
    """`node` as schema-typed data. `secret_names`: variables that must never be
    interpolated (the token's), refused before their value is ever read."""
    keys: dict[JsonPath, Location] = {}
    out = Converted(data=None, keys=keys, secret_names=secret_names)
    out.data = _convert(node, schema, schema, (), environ, out, keys)
    return out


def _child_schema(schema: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    props = schema.get("properties", {})
    if key in props:
        return cast("Mapping[str, Any]", props[key])
    extra = schema.get("additionalProperties")
    return extra if isinstance(extra, dict) else {}


def _convert(
    node: Node,
    schema: Mapping[str, Any],
    root: Mapping[str, Any],
    path: JsonPath,
    environ: Mapping[str, str],
    out: Converted,
    keys: dict[JsonPath, Location],
) -> Any:
    schema = resolve(schema, root)
    out.values[path] = node.location
    if isinstance(node, MappingNode):
        result: dict[str, Any] = {}
        for key, value in node.items:
            keys[join(path, key.value)] = key.location
            child = _child_schema(schema, key.value)
            result[key.value] = _convert(
                value, child, root, join(path, key.value), environ, out, keys
            )
        return result
    if isinstance(node, SequenceNode):
        items = schema.get("items", {})
        return [
            _convert(item, items, root, join(path, i), environ, out, keys)
            for i, item in enumerate(node.items)
        ]
    return _scalar(node, schema, path, environ, out)


def _scalar(
    node: ScalarNode,
    schema: Mapping[str, Any],
    path: JsonPath,
    environ: Mapping[str, str],
    out: Converted,
) -> Any:
    if node.is_null:
        return None
    if not schema:
        # under a key the schema does not know: already an error, and interpolating
        # would only add noise (or read variables for nothing)
        return node.value
    try:
        text = interpolate(node.value, environ, forbidden=out.secret_names)
    except InterpolationError as exc:
        out.problems.append((path, Problem(node.location, str(exc))))
        return node.value
    if not node.plain:
        return text
    expected = schema.get("type")
    if expected == "boolean" and text.lower() in BOOLEANS:
        return BOOLEANS[text.lower()]
    if expected == "integer" and _INTEGER.match(text):
        return int(text)
    return text
