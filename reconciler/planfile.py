"""Saved plans: `plan --out FILE` writes one, `apply --plan FILE` reads it back.

A saved plan is the JSON of `Plan.to_dict()`. Writing is atomic (a temporary file in the
same directory, then `os.replace`), so a crash never leaves half a plan where apply would
find it. Reading validates against `schemas/plan.schema.json` and turns every way a file
can be wrong (missing, unreadable, not JSON, not a plan, another format version) into one
`PlanError` that names the file.
"""

from __future__ import annotations

import json
import os
import tempfile
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from .errors import PlanError
from .plan import FORMAT_VERSION, Plan
from .render.json_ import render_json
from .secret import redact_all

__all__ = ["plan_schema", "read_plan", "validate_plan_dict", "write_plan"]


@cache
def plan_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of a saved plan, shipped inside the package."""
    text = resources.files("reconciler").joinpath("schemas/plan.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def validate_plan_dict(data: Any) -> list[str]:
    """Every way `data` breaks the schema, as "at <json path>: <reason>" (empty when valid)."""
    validator = jsonschema.Draft202012Validator(plan_schema())
    problems = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        message = " ".join(error.message.split())
        if len(message) > 200:  # jsonschema quotes the whole offending value
            message = message[:197] + "..."
        problems.append(f"at {where}: {message}")
    return problems


def write_plan(plan: Plan, path: str | Path) -> None:
    """Write `plan` to `path` atomically; a PlanError (naming the file) when that fails."""
    target = Path(path)
    # the token is never put in a plan; should a live value or a manifest value hold it
    # anyway, it is redacted here too, like everything the CLI prints
    text = redact_all(render_json(plan))
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise PlanError(f"cannot write plan file {target}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise PlanError(f"cannot write plan file {target}: {exc.strerror or exc}") from None


def read_plan(path: str | Path) -> Plan:
    """The plan saved at `path`; a PlanError for a missing, corrupt or foreign file."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanError(f"plan file {source} not found (write one with `plan --out`)") from None
    except UnicodeDecodeError:
        raise PlanError(f"{source} is not a plan file: not UTF-8 text") from None
    except OSError as exc:
        raise PlanError(f"cannot read plan file {source}: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanError(
            f"{source}:{exc.lineno}:{exc.colno}: not a plan file: invalid JSON ({exc.msg})"
        ) from None
    except RecursionError:  # `[[[[…`: json's decoder recurses once per level
        raise PlanError(f"{source} is not a plan file: JSON nested too deeply") from None
    if not isinstance(data, dict) or "format_version" not in data:
        raise PlanError(f"{source} is not a wolkvox-reconciler plan (no format_version)")
    if data["format_version"] != FORMAT_VERSION:
        raise PlanError(
            f"{source} has plan format_version {data['format_version']!r}; this version of "
            f"wolkvox-reconciler reads {FORMAT_VERSION}: make the plan again"
        )
    try:
        problems = validate_plan_dict(data)
    except RecursionError:  # nested just below json's limit: the validator recurses too
        raise PlanError(f"{source} is not a valid plan file: nested too deeply") from None
    if problems:
        raise PlanError(
            f"{source} is not a valid plan file:\n" + "\n".join(f"  {p}" for p in problems)
        )
    try:
        return Plan.from_dict(data)
    except (KeyError, TypeError, ValueError) as exc:  # the schema should make this unreachable
        raise PlanError(f"{source} is not a valid plan file: {exc}") from None
