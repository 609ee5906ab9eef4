"""The manifest's JSON Schema (`schemas/campaigns.schema.json`) and errors a person can act on.

jsonschema's own messages ("Additional properties are not allowed ('x' was unexpected)")
are rewritten into `path: what is wrong`, located at the offending key or value, naming
the allowed keys or values and suggesting the closest one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Location, Problem

if TYPE_CHECKING:
    from .converted import Converted, JsonPath

__all__ = [
    "SCHEMA_RESOURCE",
    "check",
    "compiled",
    "errors",
    "render_path",
    "resolve",
    "schema",
    "schema_digest",
    "schema_text",
]

SCHEMA_RESOURCE = "campaigns.schema.json"

_TYPE_WORDS = {
    "string": "a string",
    "boolean": "true or false (unquoted)",
    "integer": "a whole number",
    "object": "a mapping",
    "array": "a list",
}


def schema_text() -> str:
    """The schema exactly as shipped (for `wolkvox-reconciler schema` and editors)."""
    beside = Path(__file__).parent.parent / "schemas" / SCHEMA_RESOURCE
    if beside.is_file():  # an ordinary install: no need to import importlib.resources
        return beside.read_text("utf-8")
    from importlib import resources  # a zipped install

    return (resources.files("reconciler") / "schemas" / SCHEMA_RESOURCE).read_text("utf-8")


@lru_cache(maxsize=1)
def schema() -> Mapping[str, Any]:
    import json  # not needed by a run whose files all come from the cache

    loaded: Mapping[str, Any] = json.loads(schema_text())
    return loaded


@lru_cache(maxsize=1)
def schema_digest() -> str:
    """Changes whenever the shipped schema does (a key of the parse cache)."""
    from .cache import content_hash  # blake2b, without loading OpenSSL

    return content_hash(schema_text().encode("utf-8"))[:32]


@lru_cache(maxsize=1)
def compiled() -> Callable[[Any], bool] | None:
    """A compiled validator of the shipped schema (jsonschema-rs), or None without it.

    Only a yes/no for the happy path, ~100x faster than `jsonschema` on a large manifest;
    a document it refuses is checked again with `check()`, whose located and complete
    error list is the one reported. Built from the schema at run time, so it cannot
    drift from the file.
    """
    try:
        import jsonschema_rs
    except ImportError:  # an optional speed-up: everything works without it
        return None
    try:
        # the loader's own view (`x-loader` taken, `$ref`s inlined), as `_validator` judges
        validator = jsonschema_rs.validator_for(_inline(schema(), schema()))
    except Exception:  # a schema it cannot compile: jsonschema judges every document
        return None
    is_valid: Callable[[Any], bool] = validator.is_valid
    return is_valid


@lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema  # only files that fail the compiled check pay for importing it

    # the shipped schema keeps its $defs for readers; validating against a copy with the
    # (non-recursive) local $refs inlined is about twice as fast on large manifests
    return jsonschema.Draft202012Validator(_inline(schema(), schema()))


def errors(data: Any) -> list[Any]:
    """jsonschema's errors for `data` (the slow, complete judgement)."""
    return list(_validator().iter_errors(data))


def _inline(node: Any, root: Mapping[str, Any]) -> Any:
    if isinstance(node, Mapping):
        if "$ref" in node or "x-loader" in node:  # the loader's own view: see `resolve`
            return _inline(resolve(node, root), root)
        return {k: _inline(v, root) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline(v, root) for v in node]
    return node


def resolve(schema: Mapping[str, Any], root: Mapping[str, Any]) -> Mapping[str, Any]:
    """Follow a local `$ref` ("#/$defs/name"), the only kind our schema uses, and take
    `x-loader`, the stricter schema of a field for us, who see how a value was written
    (the rest of that field's schema admits what a YAML 1.2 editor reads instead)."""
    while "$ref" in schema or "x-loader" in schema:
        if "x-loader" in schema:
            schema = schema["x-loader"]
            continue
        ref = str(schema["$ref"])
        target: Any = root
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        schema = target
    return schema


def render_path(path: Sequence[str | int]) -> str:
    """("campaigns", 2, "state") → "campaigns[2].state"."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return _quote(value)


def _quote(value: Any) -> str:
    if isinstance(value, str) and len(value) > 60:
        value = value[:57] + "..."  # shortened inside the quotes: still reads as a value
    return repr(value)


def _suggest(word: str, choices: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _locate(path: JsonPath, located: Converted) -> Location:
    for end in range(len(path), -1, -1):
        if path[:end] in located.values:
            return located.values[path[:end]]
    return Location("<unknown>")


def check(located: Converted) -> list[tuple[JsonPath, Problem]]:
    """Every schema violation in `located.data`, each with its path and location."""
    found = errors(located.data)
    # a value of the wrong type also fails its enum/pattern/const: say only the first thing
    mistyped = {tuple(e.absolute_path) for e in found if e.validator == "type"}
    problems: list[tuple[JsonPath, Problem]] = []
    for error in found:
        if error.validator != "type" and tuple(error.absolute_path) in mistyped:
            continue
        problems.extend(_translate(error, located))
    return problems


def _translate(error: Any, located: Converted) -> list[tuple[JsonPath, Problem]]:
    from .converted import join

    path: JsonPath = tuple(error.absolute_path)
    where = render_path(path)
    sub: Mapping[str, Any] = error.schema if isinstance(error.schema, Mapping) else {}
    instance = error.instance
    kind = error.validator

    if kind == "additionalProperties" and isinstance(instance, dict):
        allowed = list(sub.get("properties", {}))
        out = []
        for key in instance:
            if key in allowed:
                continue
            message = f"unknown key {key!r}"
            message += f" in {where}" if where else " at the top level"
            message += _suggest(str(key), allowed)
            message += f"; allowed: {', '.join(allowed)}"
            if key == "token":
                message += " (the token never goes in a file: name its environment variable "
                message += "in operation.token_env)"
            if key == "<<":
                message += " (YAML merge keys are not supported: use defaults)"
            key_path = join(path, key)
            location = located.keys.get(key_path) or _locate(path, located)
            out.append((key_path, Problem(location, message)))
        return out

    if kind == "required" and isinstance(instance, dict):
        missing = [k for k in error.validator_value if k not in instance]
        holder = where or "the top level"
        return [
            (path, Problem(_locate(path, located), f"{holder}: missing required key {k!r}"))
            for k in missing
        ]

    field = where or "the top level"
    secret = bool(sub.get("x-secret"))
    shown = "a value that is not allowed here" if secret else _describe(instance)
    if kind == "type":
        expected = error.validator_value
        words = _TYPE_WORDS.get(str(expected), str(expected))
        message = f"{field}: expected {words}, got {shown}"
    elif kind == "enum":
        choices = [str(c) for c in error.validator_value]
        message = f"{field}: {shown} is not one of: {', '.join(choices)}"
        if isinstance(instance, str):
            message += _suggest(instance, choices)
    elif kind == "const":
        import json

        message = f"{field}: must be {json.dumps(error.validator_value)}, got {shown}"
    elif kind == "pattern":
        rule = sub.get("x-message", f"must match {error.validator_value}")
        message = f"{field} {rule}" + ("" if secret else f", got {shown}")
    elif kind == "minLength":
        message = f"{field}: must not be empty"
    elif kind == "maxLength":
        message = f"{field}: longer than {error.validator_value} characters"
    elif kind == "minimum":
        message = f"{field}: must be at least {error.validator_value}, got {shown}"
    else:  # pragma: no cover - every keyword our schema uses is handled above
        message = f"{field}: {error.message}"
    return [(path, Problem(_locate(path, located), message))]
