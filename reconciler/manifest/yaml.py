"""Located, surprise-free YAML: text → a small tree of nodes that remember where they were.

PyYAML's constructors are bypassed on purpose. We read the parser's *event* stream and
build our own nodes, which lets us:

- keep every scalar as the text that was written (`0100`, `no`, `1e3` stay strings; the
  schema-guided conversion in `convert.py` decides which fields may be booleans or integers);
- report a duplicate key instead of silently keeping the last one;
- refuse alias bombs and recursive aliases after a bounded amount of work, and deep nesting
  before the parser's quadratic cost on it kicks in;
- use libyaml's C parser when it is installed and the pure-Python one otherwise, with the
  same tree either way (the tree is built here, not by either library's composer).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from ..errors import Location, ManifestError, Problem

__all__ = [
    "HAS_LIBYAML",
    "MAX_ALIAS_EXPANSION",
    "MAX_DEPTH",
    "MappingNode",
    "Node",
    "ScalarNode",
    "SequenceNode",
    "parse",
    "parse_lenient",
]

HAS_LIBYAML: bool = bool(getattr(yaml, "__with_libyaml__", False))

#: how many nodes aliases may add to a document once expanded (a manifest uses a handful)
MAX_ALIAS_EXPANSION = 10_000
#: how deep collections may nest (a manifest needs 4)
MAX_DEPTH = 64

_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})


@dataclass(eq=False)
class ScalarNode:
    value: str
    plain: bool  # unquoted and untagged: only such scalars may read as null, bool or int
    location: Location

    @property
    def is_null(self) -> bool:
        return self.plain and self.value in _NULLS


@dataclass(eq=False)
class MappingNode:
    location: Location
    items: list[tuple[ScalarNode, Node]] = field(default_factory=list)


@dataclass(eq=False)
class SequenceNode:
    location: Location
    items: list[Node] = field(default_factory=list)


Node = ScalarNode | MappingNode | SequenceNode


def _loader_class(pure: bool) -> type:
    if not pure and HAS_LIBYAML:
        return yaml.CSafeLoader
    return yaml.SafeLoader


def _location(file: str, mark: Any) -> Location:  # a pure-Python or a libyaml Mark
    if mark is None:
        return Location(file)
    return Location(file, mark.line + 1, mark.column + 1)


def _position_location(file: str, text: str, position: int) -> Location:
    """A character offset → 1-based line and column (for errors PyYAML gives no mark for)."""
    before = text[:position]
    line = before.count("\n") + 1
    column = position - (before.rfind("\n") + 1) + 1
    return Location(file, line, column)


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _syntax_problem(file: str, text: str, exc: yaml.YAMLError) -> Problem:
    if isinstance(exc, yaml.reader.ReaderError):
        where = _position_location(file, text, exc.position)
        return Problem(where, f"character {exc.character!r} is not allowed in YAML")
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        if "maximum nesting depth" in (exc.problem or ""):
            # libyaml >= 0.2.6 scans ahead and refuses ~1,000 levels itself, before our
            # depth check sees the events: the message must not depend on its version
            return Problem(_location(file, mark), f"nested more than {MAX_DEPTH} levels deep")
        parts = [p for p in (exc.context, exc.problem) if p]
        message = "; ".join(" ".join(p.split()) for p in parts) or "invalid YAML"
        return Problem(_location(file, mark), f"YAML syntax error: {message}")
    return Problem(Location(file), f"YAML error: {' '.join(str(exc).split())}")


class _Builder:
    """Turns the event stream into nodes; collects problems that do not stop the build."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.anchors: dict[str, Node] = {}
        self.open: set[int] = set()  # ids of collections still being built (recursion guard)
        self.sizes: dict[int, int] = {}  # id(node) → node count once expanded
        self.expansion = 0  # nodes added by aliases so far

    def fail(self, mark: Any, message: str) -> ManifestError:
        return ManifestError([Problem(_location(self.file, mark), message)])

    def check_tag(self, event: yaml.NodeEvent, allowed: str) -> None:
        tag = getattr(event, "tag", None)
        if tag not in (None, "!", allowed):
            raise self.fail(
                event.start_mark,
                f"YAML tag {tag!r} is not supported here (only plain values, quotes and !!str)",
            )

    def build(self, events: object) -> Node | None:
        stack: list[tuple[MappingNode | SequenceNode, list[Node]]] = []
        root: Node | None = None
        documents = 0
        for event in events:  # type: ignore[attr-defined]
            node: Node | None = None
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise self.fail(
                        event.start_mark,
                        "only one YAML document per file (found a second '---')",
                    )
                continue
            if isinstance(event, yaml.AliasEvent):
                node = self.alias(event)
            elif isinstance(event, yaml.ScalarEvent):
                self.check_tag(event, _STR_TAG)
                if not event.value.isascii() and _has_surrogate(event.value):
                    # "\ud800": libyaml refuses it, the pure-Python parser lets it through
                    # to crash whatever later encodes the text (the JSON plan, stdout)
                    raise self.fail(
                        event.start_mark,
                        "YAML syntax error: a lone surrogate escape (\\uD800-\\uDFFF) "
                        "is not a character",
                    )
                plain = event.tag is None and event.style in (None, "")
                node = ScalarNode(event.value, plain, _location(self.file, event.start_mark))
                self.sizes[id(node)] = 1
                self.anchor(event, node)
            elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                is_map = isinstance(event, yaml.MappingStartEvent)
                self.check_tag(event, _MAP_TAG if is_map else _SEQ_TAG)
                if len(stack) >= MAX_DEPTH:
                    raise self.fail(event.start_mark, f"nested more than {MAX_DEPTH} levels deep")
                where = _location(self.file, event.start_mark)
                collection: MappingNode | SequenceNode = (
                    MappingNode(where) if is_map else SequenceNode(where)
                )
                self.anchor(event, collection)
                self.open.add(id(collection))
                stack.append((collection, []))
                continue
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                collection, children = stack.pop()
                self.open.discard(id(collection))
                self.finish(collection, children)
                node = collection
            else:
                continue
            if stack:
                stack[-1][1].append(node)
            else:
                root = node
        return root

    def anchor(self, event: yaml.NodeEvent, node: Node) -> None:
        if event.anchor is not None:
            self.anchors[event.anchor] = node

    def alias(self, event: yaml.AliasEvent) -> Node:
        target = self.anchors.get(event.anchor or "")
        if target is None:
            raise self.fail(event.start_mark, f"unknown alias *{event.anchor}")
        if id(target) in self.open:
            raise self.fail(
                event.start_mark, f"alias *{event.anchor} refers to itself (recursive alias)"
            )
        self.expansion += self.sizes[id(target)]
        if self.expansion > MAX_ALIAS_EXPANSION:
            raise self.fail(
                event.start_mark,
                f"aliases expand to more than {MAX_ALIAS_EXPANSION} nodes; refused "
                "(an alias bomb?)",
            )
        return target

    def finish(self, collection: MappingNode | SequenceNode, children: list[Node]) -> None:
        self.sizes[id(collection)] = 1 + sum(self.sizes[id(c)] for c in children)
        if isinstance(collection, SequenceNode):
            collection.items = children
            return
        seen: dict[str, Location] = {}
        for key, value in zip(children[::2], children[1::2], strict=True):
            if not isinstance(key, ScalarNode):
                self.problems.append(Problem(key.location, "a mapping key must be a plain string"))
                continue
            if key.value in seen:
                first = seen[key.value]
                self.problems.append(
                    Problem(
                        key.location,
                        f"duplicate key {key.value!r} (first at line {first.line}); "
                        "YAML would silently keep only the last one",
                    )
                )
                continue
            seen[key.value] = key.location
            collection.items.append((key, value))


def parse(text: str, file: str, *, pure: bool = False) -> Node | None:
    """The single YAML document in `text` as nodes, or None when it holds no document.

    `file` is only used in locations. Raises `ManifestError` (every duplicate key, or the
    first syntax error) — never a PyYAML exception. `pure=True` forces the pure-Python
    parser even when libyaml is installed (tests compare the two).
    """
    root, problems = parse_lenient(text, file, pure=pure)
    if problems:
        raise ManifestError(problems)
    return root


def parse_lenient(text: str, file: str, *, pure: bool = False) -> tuple[Node | None, list[Problem]]:
    """Like `parse`, but returns the recoverable problems (duplicate keys, dropped from the
    tree) with the tree, so that a caller can go on and report everything else too.
    A syntax error still raises: after one, there is no tree to speak of."""
    builder = _Builder(file)
    try:
        root = builder.build(yaml.parse(text, Loader=_loader_class(pure)))
    except yaml.YAMLError as exc:
        raise ManifestError([_syntax_problem(file, text, exc)]) from None
    except RecursionError:  # pragma: no cover - MAX_DEPTH stops nesting long before this
        raise ManifestError([Problem(Location(file), "YAML nested too deeply")]) from None
    return root, builder.problems
