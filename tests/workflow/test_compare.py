"""A saved plan against a fresh one: the same calls, for the same operation."""

from __future__ import annotations

import pytest

from reconciler.errors import PlanMismatch
from reconciler.manifest.desired import Operation
from reconciler.plan.planner import make_plan
from reconciler.secret import Secret
from reconciler.workflow.compare import check_identity, plan_differences
from reconciler.workflow.target import resolve_target
from tests.plan.test_planner import STARTED, camp, desired, lc


def test_differences_name_each_action_added_or_gone() -> None:
    saved = make_plan(desired(camp("a", "stopped")), [lc("1", "a", STARTED)])
    same = make_plan(desired(camp("a", "stopped")), [lc("1", "a", STARTED)])
    moved = make_plan(desired(camp("a", "stopped"), camp("b")), [lc("1", "a")])
    assert plan_differences(saved, same) == []
    assert plan_differences(saved, moved) == [
        "in the file, not planned now: stop 'a' [preview, id 1]",
        "planned now, not in the file: create 'b' [preview, new] (with its create body)",
        "planned now, not in the file: start 'b' [preview, new]",
    ]


def test_a_plan_for_another_endpoint_or_token_variable_is_refused() -> None:
    target = resolve_target(Operation(), "http://127.0.0.1:8765", {"WOLKVOX_TOKEN": "t"})
    check_identity("WOLKVOX_TOKEN", "http://127.0.0.1:8765", None, target)
    with pytest.raises(PlanMismatch, match="token variable OPS"):
        check_identity("OPS", "http://127.0.0.1:8765", None, target)
    with pytest.raises(PlanMismatch, match=r"made against http://127\.0\.0\.1:9"):
        check_identity("WOLKVOX_TOKEN", "http://127.0.0.1:9", None, target)
    assert Secret("t") == target.token


def test_the_same_calls_with_another_body_are_a_difference() -> None:
    from dataclasses import replace

    saved = make_plan(desired(camp("a", "stopped", description="new")), [lc("1", "a")])
    (edit,) = saved.actions
    other = replace(saved, actions=(replace(edit, params={"campaign_description": "other"}),))
    assert plan_differences(saved, other) == [
        "in the file, not planned now: edit 'a' [preview, id 1] (with its edit body)",
        "planned now, not in the file: edit 'a' [preview, id 1] (with its edit body)",
    ]
