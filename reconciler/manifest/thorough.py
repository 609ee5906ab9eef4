"""The thorough path of one file: a located tree, converted and checked against the schema.

Every problem is found and placed at its line and column. `fast.py` serves files without
problems more cheaply; whatever it gives up on, or whatever fails after it, comes here,
so the errors reported are always these.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..errors import Location, ManifestError, Problem
from . import schema as manifest_schema

if TYPE_CHECKING:
    from .converted import Converted, JsonPath
    from .yaml import MappingNode

# `.yaml` and `.convert` (and with them PyYAML) are imported by the functions that use
# them: a run whose files all come from the parse cache never needs them

__all__ = ["check", "decode", "foreign", "parse", "token_envs", "variables"]


def decode(file: str, raw: bytes, problems: list[Problem]) -> str | None:
    """The file's text, or None with a located problem for bytes that are not UTF-8."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        problems.append(
            Problem(
                Location(file, line, column),
                f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
            )
        )
        return None


def foreign(keys: list[str]) -> bool:
    """True for the top-level keys of another kind of YAML (a CI workflow, a compose file)
    met in a directory: one error says it all, rather than one per key. A manifest with
    typos has mostly keys close to known ones and gets the usual per-key errors instead;
    one look-alike among many others (GitLab CI's `default:`) does not make a manifest."""
    known = list(manifest_schema.schema()["properties"])
    if not keys or set(keys) & set(known):
        return False
    import difflib

    close = [k for k in keys if difflib.get_close_matches(k, known, n=1, cutoff=0.8)]
    return 2 * len(close) <= len(keys)


def parse(file: str, text: str, problems: list[Problem]) -> MappingNode | None:
    """The file's located tree, or None with the problems that leave nothing to check."""
    from .yaml import MappingNode, SequenceNode, parse_lenient

    try:
        root, duplicates = parse_lenient(text, file)
    except ManifestError as exc:
        problems.extend(exc.problems)
        return None
    problems.extend(duplicates)
    if root is None:
        problems.append(
            Problem(Location(file), "empty manifest: expected a mapping with 'version: 1'")
        )
        return None
    if not isinstance(root, MappingNode):
        kind = "a list" if isinstance(root, SequenceNode) else "a single value"
        problems.append(
            Problem(
                root.location,
                f"the top level must be a mapping (version, operation, defaults, campaigns), "
                f"not {kind}",
            )
        )
        return None
    if foreign([key.value for key, _ in root.items]):
        known = list(manifest_schema.schema()["properties"])
        problems.append(
            Problem(
                root.location,
                f"not a campaign manifest: none of the keys {', '.join(known)} at the top level",
            )
        )
        return None
    return root


def variables(root: MappingNode) -> list[str]:
    """Every name in `operation.variables` as written: what `${VAR}` may read."""
    from .yaml import MappingNode, ScalarNode, SequenceNode

    return [
        item.value
        for key, value in root.items
        if key.value == "operation" and isinstance(value, MappingNode)
        for k, v in value.items
        if k.value == "variables" and isinstance(v, SequenceNode)
        for item in v.items
        if isinstance(item, ScalarNode)
    ]


def token_envs(root: MappingNode) -> list[str]:
    """Every `operation.token_env` as written (before interpolation)."""
    from .yaml import MappingNode, ScalarNode

    return [
        v.value
        for key, value in root.items
        if key.value == "operation" and isinstance(value, MappingNode)
        for k, v in value.items
        if k.value == "token_env" and isinstance(v, ScalarNode)
    ]


def check(
    root: MappingNode, environ: Mapping[str, str], secret_names: frozenset[str]
) -> tuple[Converted, list[tuple[JsonPath, Problem]]]:
    """The file's data with every location, and every problem of interpolation and schema."""
    from .convert import convert

    located = convert(root, manifest_schema.schema(), environ, secret_names=secret_names)
    # a value whose interpolation failed is still its raw `${...}` text: the schema's
    # opinion of that text would only repeat the problem
    unresolved = {path for path, _ in located.problems}
    schema_problems = [
        (path, problem)
        for path, problem in manifest_schema.check(located)
        if path not in unresolved
    ]
    return located, located.problems + schema_problems
