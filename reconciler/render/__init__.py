"""Renderers: each takes a Plan and returns text (terminal, JSON, pull-request markdown)."""

from __future__ import annotations

from .json_ import render_json
from .markdown import render_markdown
from .text import render_text

__all__ = ["render_json", "render_markdown", "render_text"]
