"""`show PLANFILE`: a saved plan rendered exactly as `plan` printed it, from the file alone
(no API call, no token)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

__all__ = ["Format", "show_markdown_parts", "show_plan"]

Format = Literal["text", "json", "markdown"]


def show_plan(path: str | Path, fmt: Format = "text", *, color: bool = False) -> str:
    """The plan saved at `path` as `plan` (with `--json` / `--markdown`) printed it; a
    PlanError for a missing, corrupt or foreign file."""
    from ..plan.saved import read_document, saved_from_document
    from ..secret import redact_all
    from . import render_json, render_markdown, render_text

    document = read_document(path)
    plan = saved_from_document(document, str(path)).plan
    if fmt == "json":
        text = render_json(document)  # the document as written, signature included
    elif fmt == "markdown":
        text = render_markdown(plan)
        text = text if text.endswith("\n") else text + "\n"
    else:
        text = render_text(plan, color=color)
    return redact_all(text)


def show_markdown_parts(path: str | Path, *, limit: int) -> list[str]:
    """The plan saved at `path` as pull-request comments of at most `limit` characters."""
    from ..plan.saved import read_plan
    from ..secret import redact_all
    from .markdown import render_markdown_parts

    plan = read_plan(path).plan
    return [redact_all(part) for part in render_markdown_parts(plan, limit=limit)]
