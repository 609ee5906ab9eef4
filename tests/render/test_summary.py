"""The summary line, the display order and the partial-plan note."""

from __future__ import annotations

from reconciler.plan.planner import make_plan
from reconciler.render.summary import campaign_id_text, display_order, scope_note, summary_line
from tests.plan.test_planner import STARTED, camp, desired, lc


def test_deletes_show_first_and_the_line_counts_what_apply_spends() -> None:
    plan = make_plan(desired(camp("gone", "absent"), camp("new")), [lc("1", "gone", STARTED)])
    assert [a.kind.value for a in plan.actions] == ["stop", "delete", "create", "start"]
    assert [a.kind.value for a in display_order(plan)] == ["delete", "stop", "create", "start"]
    assert summary_line(plan) == (
        "Plan: 1 to create, 1 to start, 1 to stop, 0 to clear, 1 to delete. 6 API calls."
    )
    assert [campaign_id_text(a) for a in plan.actions] == [
        "1",
        "1",
        "(new)",
        "(known after create)",
    ]
    assert summary_line(make_plan(desired(), [])) == "No changes."


def test_a_partial_plan_says_what_it_left_out() -> None:
    plan = make_plan(desired(camp("a")), [], targets=["a*"], excludes=["ab"])
    assert scope_note(plan) == (
        "Partial plan (--target a* --exclude ab): other campaigns were not planned and "
        "unmanaged campaigns were not checked."
    )
    assert scope_note(make_plan(desired(camp("a")), [])) is None
