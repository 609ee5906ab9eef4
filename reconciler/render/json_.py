"""`plan --json`: the saved-plan document (`schemas/plan.schema.json`) as text.

Layout: one top-level key per line, and each item of a top-level list (an action, a
finding, a fingerprint) on a line of its own, so that two plans diff line by line in CI.
Every piece is made by json's C encoder (an `indent` would switch json to its pure-Python
encoder, 5x slower on a 100,000-campaign plan), and `iter_json` hands the pieces out one
batch at a time, so a 60 MB plan is written without ever being one string.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["iter_json", "render_json"]

#: items per piece `iter_json` yields
_BATCH = 4096


def render_json(document: Mapping[str, Any]) -> str:
    """`document` (see `planfile.plan_document`) as JSON text, always valid UTF-8."""
    return "".join(iter_json(document))


def iter_json(document: Mapping[str, Any]) -> Iterator[str]:
    """`render_json(document)`, in pieces."""
    yield "{\n"
    last = len(document) - 1
    for index, (key, value) in enumerate(document.items()):
        end = ",\n" if index < last else "\n"
        if isinstance(value, list) and value:
            yield f"  {_dumps(key)}: [\n"
            batch: list[str] = []
            for n, item in enumerate(value):
                batch.append(f"    {_dumps(item)}" + (",\n" if n < len(value) - 1 else "\n"))
                if len(batch) >= _BATCH:
                    yield "".join(batch)
                    batch.clear()
            yield "".join(batch) + "  ]" + end
        else:
            yield f"  {_dumps(key)}: {_dumps(value)}{end}"
    yield "}\n"


#: one encoder for every piece: `json.dumps` with an option makes a new one per call
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


def _dumps(value: Any) -> str:
    text = _ENCODE(value)
    if text.isascii():  # the usual case: no encoded copy needed to tell
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # a lone surrogate (a manifest file name in bytes that are not UTF-8, a live value
        # with "\ud800"): written as is, it is not UTF-8 and crashes the plan file; as a
        # \u escape it is valid JSON that reads back to the very same data
        return json.dumps(value, ensure_ascii=True)
    return text
