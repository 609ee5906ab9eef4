"""The manifest language: YAML files → a validated `Desired`.

Modules: `yaml` (located, surprise-free parsing), `interpolate` (`${VAR}`), `convert`
(nodes → schema-typed data), `schema` (JSON Schema validation, readable errors),
`loader` (files and directories → `Desired`).
"""

from __future__ import annotations

from .loader import load
from .schema import schema_text

__all__ = ["load", "schema_text"]
