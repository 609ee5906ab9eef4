from __future__ import annotations

from reconciler.plan.model import ActionKind, FindingKind
from reconciler.render.markdown import render_markdown

from .plans import empty, four_kinds, many_creates, with_error


def test_summary_table_and_findings() -> None:
    md = render_markdown(four_kinds())
    assert "**Plan: 1 to create, 1 to start, 1 to stop, 1 to clear. 6 API calls.**" in md
    assert (
        "| `-` | clear | old-leads | preview | 40 | desired cleared; deletes the records of "
        "live campaign 'old-leads' (id 40, Started, 40 records) |"
    ) in md
    assert "| `+` | create | new-leads | preview | (new) | not live, desired started |" in md
    assert "| `?` | warning: unmanaged | stray |" in md
    assert "<details>" in md and '"campaign_name": "new-leads"' in md and "</details>" in md


def test_errors_are_called_out() -> None:
    md = render_markdown(with_error())
    assert "apply will refuse this plan" in md
    assert "| `!` | error: duplicate-live-name | dup |" in md


def test_no_changes() -> None:
    assert "**No changes.**" in render_markdown(empty())


def test_table_cells_cannot_break_the_table_or_inject_html() -> None:
    from dataclasses import replace

    plan = four_kinds()
    action = replace(plan.actions[0], campaign="a|b\n<img src=x>")
    md = render_markdown(replace(plan, actions=(action,)))
    assert "a\\|b &lt;img src=x&gt;" in md
    assert "<img" not in md


def test_big_plans_are_truncated_under_the_limit_with_a_pointer_to_json() -> None:
    plan = many_creates(2000)
    full = render_markdown(plan, limit=10**9)
    assert len(full) > 65_000
    md = render_markdown(plan)
    assert len(md) <= 65_000
    assert "<details>" not in md  # create bodies go first
    shown = md.count("| create |")
    assert 0 < shown < 2000
    assert f"**{2000 - shown} more actions — see the JSON plan**" in md
    assert "| `+` | create | campaign-00000 |" in md  # the first actions are kept


def test_small_limit_still_fits_by_dropping_rows() -> None:
    md = render_markdown(many_creates(30), limit=1500)
    assert len(md) <= 1500
    assert "more actions — see the JSON plan" in md


def test_a_plan_that_fits_is_not_truncated() -> None:
    md = render_markdown(many_creates(3))
    assert "more actions" not in md
    assert md.count("| create |") == 3


def test_create_bodies_with_backticks_keep_their_fence() -> None:
    from dataclasses import replace

    plan = four_kinds()
    create = plan.of_kind(ActionKind.CREATE)[0]
    params = {**dict(create.params or {}), "campaign_description": "see ```this```"}
    md = render_markdown(replace(plan, actions=(replace(create, params=params),)))
    assert "````json" in md and md.count("````") == 2


def test_findings_are_truncated_last_when_even_no_rows_fit() -> None:
    from dataclasses import replace

    from reconciler.plan.model import Finding

    warnings = tuple(Finding(FindingKind.UNMANAGED, "w" * 200, f"c{i}") for i in range(100))
    plan = replace(many_creates(50), warnings=warnings)
    md = render_markdown(plan, limit=4000)
    assert len(md) <= 4000
    assert "**50 more actions — see the JSON plan**" in md
    shown = md.count("| `?` |")
    assert 0 < shown < 100
    assert f"**{100 - shown} more findings — see the JSON plan**" in md
