"""The happy path of one file: libyaml's events straight to schema-typed data, no tree.

`yaml.py` + `convert.py` build a node with a `Location` for every scalar, because an error
report needs to point anywhere. A file without errors needs none of that, and building
it is most of the cost of a large manifest. This module reads the same event stream and
makes the plain data `convert()` would make, remembering only the places a valid file's
campaigns carry (each campaign's `name` key, the top-level keys).

It gives up (returns None) at the first thing that is not plainly well-formed: a
duplicate key, an alias, a tag, a collection as key, a lone surrogate, deep nesting, a
second document, a syntax error, an empty or non-mapping document. The caller then
parses that file the thorough way, which reports exactly what is wrong, so error lists
never depend on this module.

`${VAR}` is not resolved here: the values that hold a `$` are listed (`deferred`) and
resolved by `finish()`, so that the result (`Parsed`) depends only on the file's bytes
and can be cached (`cache.py`) whatever the environment.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .interpolate import InterpolationError, interpolate

__all__ = ["FORMAT", "Parsed", "finish", "parse_fast"]

#: bump when `Parsed` or the typing rules change: cached entries of another format are ignored
FORMAT = 3

_BOOLEANS = {"true": True, "false": False, "yes": True, "no": False}
_INTEGER = re.compile(r"-?(0|[1-9][0-9]{0,17})\Z")  # longer: text, a located type error
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})

JsonPath = tuple[str | int, ...]
#: (path of the value, raw text, plain?, the schema's type there)
Deferred = tuple[JsonPath, str, bool, str | None]


@dataclass
class Parsed:
    """One file's data before interpolation. Only builtin types, so `marshal` can store it."""

    data: dict[str, Any]
    deferred: list[Deferred]
    marks: dict[JsonPath, tuple[int, int]]  # key path → (line, column), 1-based
    token_envs: list[str]  # raw `operation.token_env` texts (the token's variable)
    # schema-valid as it stands, which settles it for a file without `${VAR}`: its data
    # depends on its bytes alone (and the schema, part of the cache key)
    checked: bool = False
    #: raw `operation.variables` names: what `${VAR}` may read (interpolate.ManifestEnviron)
    variables: list[str] = field(default_factory=list)

    def to_builtin(self) -> tuple[Any, ...]:
        return (
            FORMAT,
            self.data,
            self.deferred,
            self.marks,
            self.token_envs,
            self.checked,
            self.variables,
        )

    @classmethod
    def from_builtin(cls, raw: Any) -> Parsed | None:
        """The inverse of `to_builtin`, or None for anything else (a corrupt entry)."""
        if not (isinstance(raw, tuple) and len(raw) == 7 and raw[0] == FORMAT):
            return None
        _, data, deferred, marks, token_envs, checked, variables = raw
        if not (
            isinstance(data, dict)
            and isinstance(deferred, list)
            and isinstance(marks, dict)
            and isinstance(token_envs, list)
            and isinstance(checked, bool)
            and isinstance(variables, list)
        ):
            return None
        return cls(data, deferred, marks, token_envs, checked, variables)


class _Shape:
    """A schema node as the builder needs it: resolved `$ref`, children looked up once."""

    __slots__ = ("_children", "_items", "_root", "empty", "schema", "type")

    def __init__(self, schema: Mapping[str, Any], root: Mapping[str, Any]) -> None:
        # the loader's own view, as `convert.resolve`: `x-loader` (a field's stricter schema
        # for us, who see how a value was written) and `$ref`
        while "$ref" in schema or "x-loader" in schema:
            if "x-loader" in schema:
                schema = schema["x-loader"]
                continue
            target: Any = root
            for part in str(schema["$ref"]).removeprefix("#/").split("/"):
                target = target[part]
            schema = target
        self.schema = schema
        self._root = root
        self.empty = not schema
        expected = schema.get("type")
        self.type: str | None = expected if isinstance(expected, str) else None
        self._children: dict[str, _Shape] = {}
        self._items: _Shape | None = None

    def child(self, key: str) -> _Shape:
        shape = self._children.get(key)
        if shape is None:
            props = self.schema.get("properties", {})
            if key in props:
                sub = props[key]
            else:
                extra = self.schema.get("additionalProperties")
                sub = extra if isinstance(extra, dict) else {}
            shape = self._children[key] = _Shape(sub, self._root)
        return shape

    def items(self) -> _Shape:
        if self._items is None:
            self._items = _Shape(self.schema.get("items", {}), self._root)
        return self._items


_shapes: dict[int, _Shape] = {}


def _root_shape(schema: Mapping[str, Any]) -> _Shape:
    shape = _shapes.get(id(schema))
    if shape is None or shape.schema is not schema:
        shape = _shapes[id(schema)] = _Shape(schema, schema)
    return shape


class _GiveUp(Exception):
    """This file needs the thorough parser."""


def _typed(text: str, plain: bool, expected: str | None) -> Any:
    if plain:
        if expected == "boolean":
            lowered = text.lower()
            if lowered in _BOOLEANS:
                return _BOOLEANS[lowered]
        elif expected == "integer" and _INTEGER.match(text):
            return int(text)
    return text


def parse_fast(text: str, schema: Mapping[str, Any], *, pure: bool = False) -> Parsed | None:
    """`text` as data typed by `schema`, or None when the thorough parser must look at it."""
    # here, not at the top: a run served from the cache never needs PyYAML
    import yaml

    from . import yaml as located

    loader_class: type = yaml.SafeLoader
    if not pure and located.HAS_LIBYAML:  # the switch the thorough parser obeys too
        loader_class = yaml.CSafeLoader
    parser = loader_class(text)
    try:
        return _build(parser, schema, yaml, located.MAX_DEPTH)
    except (_GiveUp, yaml.YAMLError, RecursionError):
        return None
    finally:
        parser.dispose()


def _build(parser: Any, schema: Mapping[str, Any], yaml: Any, max_depth: int) -> Parsed | None:
    scalar_event = yaml.ScalarEvent
    mapping_start, mapping_end = yaml.MappingStartEvent, yaml.MappingEndEvent
    sequence_start, sequence_end = yaml.SequenceStartEvent, yaml.SequenceEndEvent
    document_start = yaml.DocumentStartEvent
    ignored = (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)

    deferred: list[Deferred] = []
    marks: dict[JsonPath, tuple[int, int]] = {}
    token_envs: list[str] = []
    root: dict[str, Any] | None = None
    documents = 0
    # one frame per open collection: [container, its shape, its path, the pending key]
    # (a sequence's "pending key" is the next index)
    stack: list[list[Any]] = []
    pending: Any = None  # the key (or index) the next value goes to, in the top frame
    container: Any = None  # the top frame's container
    shape = _root_shape(schema)  # the top frame's shape
    is_map = False
    get_event = parser.get_event
    texts: dict[str, str] = {}

    # both parsers answer None once the stream has ended
    while (event := get_event()) is not None:
        cls = event.__class__
        if cls is scalar_event:
            if event.tag is not None:
                raise _GiveUp
            # one object per distinct short text: the same few keys and values (`type`,
            # `predictive`, `"08:00"`) recur in every campaign, and `marshal` stores (and
            # restores) an object met twice once. Not `sys.intern`: its table would keep an
            # entry for every campaign's name and id
            value: str = event.value
            if len(value) <= 24:
                value = texts.setdefault(value, value)
            if not value.isascii():
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError:  # a lone surrogate: the thorough parser says so
                    raise _GiveUp from None
            if not stack:
                raise _GiveUp  # a document that is a single value
            if is_map and pending is None:
                if value in container:
                    raise _GiveUp  # duplicate key
                pending = value
                if len(stack) == 1 or value == "name":
                    mark = event.start_mark
                    marks[stack[-1][2] + (value,)] = (mark.line + 1, mark.column + 1)
                continue
            plain = event.style is None or event.style == ""
            if is_map:
                child = shape._children.get(pending) or shape.child(pending)
            else:
                child = shape.items()
            item: Any
            if plain and value in _NULLS:
                item = None
            elif child.empty:
                item = value  # under a key the schema does not know: never interpolated
            elif "$" in value:
                item = value
                deferred.append(((*stack[-1][2], pending), value, plain, child.type))
            else:
                item = _typed(value, plain, child.type)
            if pending == "token_env" and len(stack) == 2 and stack[0][3] == "operation":
                token_envs.append(value)
            if is_map:
                container[pending] = item
                pending = None
            else:
                container.append(item)
                pending += 1
        elif cls is mapping_start or cls is sequence_start:
            if event.tag is not None or len(stack) >= max_depth:
                raise _GiveUp
            if stack:
                if is_map and pending is None:
                    raise _GiveUp  # a collection as a mapping key
                path = (*stack[-1][2], pending)
                shape = shape.child(pending) if is_map else shape.items()
            else:
                path = ()
            if stack:
                stack[-1][3] = pending
            container = {} if cls is mapping_start else []
            is_map = cls is mapping_start
            pending = None if is_map else 0
            stack.append([container, shape, path, pending])
        elif cls is mapping_end or cls is sequence_end:
            done = stack.pop()[0]
            if not stack:
                if not isinstance(done, dict):
                    raise _GiveUp  # a top-level list
                root = done
                continue
            container, shape, _, pending = stack[-1]
            is_map = isinstance(container, dict)
            if is_map:
                container[pending] = done
                pending = None
            else:
                container.append(done)
                pending += 1
        elif cls is document_start:
            documents += 1
            if documents > 1:
                raise _GiveUp
        elif cls not in ignored:
            raise _GiveUp  # an alias
    if root is None:
        raise _GiveUp  # an empty document
    operation = root.get("operation")
    listed = operation.get("variables") if isinstance(operation, dict) else None
    variables = [v for v in listed if isinstance(v, str)] if isinstance(listed, list) else []
    return Parsed(root, deferred, marks, token_envs, variables=variables)


def finish(
    parsed: Parsed, environ: Mapping[str, str], forbidden: frozenset[str]
) -> dict[str, Any] | None:
    """`parsed.data` with every `${VAR}` resolved and typed, or None when one fails
    (the thorough path then reports it at its line and column)."""
    data = parsed.data
    for path, text, plain, expected in parsed.deferred:
        try:
            resolved = interpolate(text, environ, forbidden=forbidden)
        except InterpolationError:
            return None
        holder: Any = data
        for part in path[:-1]:
            holder = holder[part]
        holder[path[-1]] = _typed(resolved, plain, expected)
    return data
