"""What moved between two records, field by field, for a person to read.

Only called once a cheap comparison has already found a difference (a stale saved plan, an
export that would not round-trip): deepdiff is imported here, lazily, so that a plan or an
apply that finds nothing different never pays for the import.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["explain_changes"]

_ABSENT = "(absent)"


def explain_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """One line per difference, `field: old → new`, sorted by field (`(absent)` for a field
    only one side has); nested fields read `options.opt1`, list items `tags[2]`. Empty when
    the two are equal."""
    from deepdiff import DeepDiff  # lazy: see the module docstring

    diff = DeepDiff(dict(before), dict(after), view="tree")
    lines: list[tuple[list[Any], str]] = []
    for report in diff.values():
        for level in report:
            path = level.path(output_format="list")
            old = _ABSENT if _missing(level.t1) else repr(level.t1)
            new = _ABSENT if _missing(level.t2) else repr(level.t2)
            lines.append((path, f"{_field(path)}: {old} → {new}"))
    lines.sort(key=lambda item: [str(part) for part in item[0]])
    return [text for _, text in lines]


def _missing(value: Any) -> bool:
    # deepdiff marks the side an item is absent from with its `NotPresent` sentinel; its
    # class name is the stable part of that (the import path moved between versions)
    return type(value).__name__ == "NotPresent"


def _field(path: list[Any]) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(the whole record)"
