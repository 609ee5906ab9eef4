"""`plan --json`: the saved-plan document (`schemas/plan.schema.json`) as text."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = ["render_json"]


def render_json(document: Mapping[str, Any]) -> str:
    """`document` (see `planfile.plan_document`) as indented JSON, always valid UTF-8."""
    # sort_keys off: the document lists keys in a reading order; indent for diffs in CI
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # a lone surrogate (a manifest file name in bytes that are not UTF-8, a live value
        # with "\ud800"): written as is, it is not UTF-8 and crashes the plan file; as a
        # \u escape it is valid JSON that reads back to the very same data
        text = json.dumps(document, indent=2, ensure_ascii=True) + "\n"
    return text
