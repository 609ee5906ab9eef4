"""What conversion gives: a file's data, and where each of its keys and values was written.

Apart from `convert.py` so that the loader's happy path, which builds these from the
fast path's data, imports nothing of the YAML tree (nor PyYAML).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import Location, Problem

__all__ = ["Converted", "JsonPath", "join"]

JsonPath = tuple[str | int, ...]


@dataclass
class Converted:
    data: Any
    values: dict[JsonPath, Location] = field(default_factory=dict)  # where each value is
    keys: Mapping[JsonPath, Location] = field(default_factory=dict)  # where each key is
    problems: list[tuple[JsonPath, Problem]] = field(default_factory=list)
    secret_names: frozenset[str] = frozenset()


def join(path: JsonPath, part: str | int) -> JsonPath:
    """`path` extended by one key or index."""
    return (*path, part)
