"""`plan --json`: the saved-plan document (`schemas/plan.schema.json`) as text."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = ["render_json"]


def render_json(document: Mapping[str, Any]) -> str:
    """`document` (see `planfile.plan_document`) as indented JSON, always valid UTF-8."""
    # sort_keys off: the document lists keys in a reading order; indent for diffs in CI
    text = _dumps(document, ensure_ascii=False)
    try:
        if not text.isascii():  # (ASCII, the usual case, needs no encoded copy to tell)
            text.encode("utf-8")
    except UnicodeEncodeError:
        # a lone surrogate (a manifest file name in bytes that are not UTF-8, a live value
        # with "\ud800"): written as is, it is not UTF-8 and crashes the plan file; as a
        # \u escape it is valid JSON that reads back to the very same data
        text = _dumps(document, ensure_ascii=True)
    return text


def _dumps(data: object, *, ensure_ascii: bool) -> str:
    """`json.dumps(data, indent=2) + "\\n"`, the same text. With an indent, json runs its Python
    encoder, and `dumps` keeps each of its millions of small pieces until one final join
    (485 MB for the 63 MB plan of 100,000 campaigns); joined a batch at a time, the peak
    stays near twice the text."""
    encoder = json.JSONEncoder(indent=2, ensure_ascii=ensure_ascii)
    parts: list[str] = []
    batch: list[str] = []
    for chunk in encoder.iterencode(data):
        batch.append(chunk)
        if len(batch) >= 65_536:
            parts.append("".join(batch))
            batch.clear()
    parts.append("".join(batch) + "\n")
    del data, batch  # the plan's dict goes before the text is joined (when the caller lets it)
    return "".join(parts)
