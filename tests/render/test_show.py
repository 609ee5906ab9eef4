"""`show`: a saved plan printed as plan printed it, from the file alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.errors import PlanError
from reconciler.plan.saved import write_plan
from reconciler.render.markdown import render_markdown
from reconciler.render.show import show_markdown_parts, show_plan
from reconciler.render.text import render_text
from tests.render.plans import TOKEN, four_kinds, saved


def test_the_file_prints_as_the_plan_did(tmp_path: Path) -> None:
    plan = four_kinds()
    path = tmp_path / "plan.json"
    write_plan(saved(plan), path, TOKEN)
    assert show_plan(path, "text") == render_text(plan)
    assert show_plan(path, "markdown").rstrip("\n") == render_markdown(plan).rstrip("\n")
    (part,) = show_markdown_parts(path, limit=65_000)
    assert "wolkvox-reconciler plan" in part


def test_a_file_that_is_not_a_plan_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.json"
    path.write_text("{}")
    with pytest.raises(PlanError):
        show_plan(path)
