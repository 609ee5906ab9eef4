"""The manifest language: YAML files → a validated `Desired`.

Modules: `loader` (files and directories → `Desired`, the rules across files), `source`
(one file: from the cache, the fast path or the thorough path), `fast` (events straight to
typed data, for valid files), `cache` (parsed files by content), `thorough` (the located
path that reports every problem): `yaml` (located, surprise-free parsing), `convert`
(nodes → schema-typed data, `converted` its result), `schema` (JSON Schema validation,
readable errors); `interpolate` (`${VAR}`).
"""

from __future__ import annotations

from .loader import load
from .schema import schema_text

__all__ = ["load", "schema_text"]
