"""`plan --json`: the saved-plan document (`schemas/plan.schema.json`)."""

from __future__ import annotations

import json

from ..plan import Plan

__all__ = ["render_json"]


def render_json(plan: Plan) -> str:
    # sort_keys off: `to_dict` already lists keys in a reading order; indent for diffs in CI
    return json.dumps(plan.to_dict(), indent=2, ensure_ascii=False) + "\n"
