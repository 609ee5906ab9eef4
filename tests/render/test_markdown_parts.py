"""A plan too long for one pull-request comment is split over several, nothing cut."""

from __future__ import annotations

from reconciler.plan.model import Action, ActionKind, Finding, FindingKind, Plan
from reconciler.render.markdown import render_markdown, render_markdown_parts
from reconciler.vocabulary import CampaignType


def big_plan(n: int, *, warnings: int = 3, errors: int = 1) -> Plan:
    actions = tuple(
        Action(
            ActionKind.START,
            f"campaign-{i:05d}",
            CampaignType.PREVIEW,
            str(1000 + i),
            "live Stopped, desired started",
        )
        for i in range(n)
    ) + tuple(
        Action(
            ActionKind.CREATE,
            f"new-{i:05d}",
            CampaignType.PREVIEW,
            None,
            "not live",
            params={"campaign_name": f"new-{i:05d}", "campaign_description": "x" * 50},
        )
        for i in range(n // 10)
    )
    findings = tuple(
        Finding(FindingKind.THRESHOLD, f"apply would refuse: limit {i}") for i in range(warnings)
    )
    errs = tuple(
        Finding(FindingKind.CONFLICT, f"conflict {i}", f"campaign-{i:05d}") for i in range(errors)
    )
    return Plan(actions=actions, warnings=findings, errors=errs, live_total=n, live_started=0)


def test_a_plan_that_fits_is_one_part_identical_to_render_markdown() -> None:
    plan = big_plan(5)
    assert render_markdown_parts(plan) == [render_markdown(plan)]


def test_a_3000_campaign_plan_is_split_under_the_limit_with_nothing_cut() -> None:
    plan = big_plan(3000, warnings=40)
    parts = render_markdown_parts(plan, limit=65_000)
    assert len(parts) > 1
    assert all(len(part) <= 65_000 for part in parts)
    whole = "\n".join(parts)
    for action in plan.actions:
        assert f"| {action.campaign} |" in whole
    assert "more actions" not in whole
    assert all(f"part {k} of {len(parts)}" in part for k, part in enumerate(parts, 1))


def test_errors_and_warnings_come_first_in_the_first_part() -> None:
    parts = render_markdown_parts(big_plan(3000, warnings=40, errors=2), limit=20_000)
    first = parts[0]
    assert "apply will refuse this plan" in first
    assert first.count("warning: threshold") == 40 and first.count("error: conflict") == 2
    assert first.index("warning: threshold") < first.index("| | action | campaign |")
    assert all("threshold" not in part for part in parts[1:])


def test_every_part_repeats_the_table_header_of_a_table_it_continues() -> None:
    parts = render_markdown_parts(big_plan(2000), limit=10_000)
    for part in parts[1:]:
        if "| `~` | start |" in part or "| `+` | create |" in part:
            assert "| | action | campaign | type | id | reason |" in part


def test_one_huge_line_cannot_exceed_a_part() -> None:
    plan = Plan(
        actions=(), warnings=(Finding(FindingKind.UNMANAGED, "d" * 50_000, "x"),), live_total=1
    )
    parts = render_markdown_parts(plan, limit=10_000)
    assert all(len(p) <= 10_000 for p in parts)


def test_parts_stay_under_the_limit_at_every_size() -> None:
    # the packing is greedy: try limits around every boundary of a mid-size plan
    plan = big_plan(300, warnings=30, errors=3)
    for limit in range(3000, 12_000, 337):
        parts = render_markdown_parts(plan, limit=limit)
        assert all(len(p) <= limit for p in parts), limit
        whole = "\n".join(parts)
        assert all(f"| {a.campaign} |" in whole for a in plan.actions)
        assert whole.count("<details>") == whole.count("</details>")


def test_a_huge_create_body_is_named_not_cut_mid_fence() -> None:
    huge = Action(
        ActionKind.CREATE,
        "x",
        CampaignType.PREVIEW,
        None,
        "not live",
        params={"campaign_description": "d" * 30_000},
    )
    parts = render_markdown_parts(Plan(actions=(huge,), live_total=0), limit=10_000)
    whole = "\n".join(parts)
    assert all(len(p) <= 10_000 for p in parts)
    assert "too long to show here, see the JSON plan" in whole
    assert whole.count("```") % 2 == 0
