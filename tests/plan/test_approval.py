"""Approvals: a digest of exactly the plan, and the comments that carry it."""

from __future__ import annotations

from reconciler.plan.approval import (
    approval_digest,
    approval_hint,
    is_approved,
    parse_approvals,
    valid_digest,
)
from reconciler.plan.model import Thresholds
from reconciler.plan.planner import make_plan
from tests.plan.test_planner import STARTED, camp, desired, lc


def test_the_digest_changes_with_any_action_or_live_fact_it_shows() -> None:
    one = make_plan(desired(camp("a", "stopped")), [lc("1", "a", STARTED, 5)])
    same = make_plan(desired(camp("a", "stopped")), [lc("1", "a", STARTED, 5)])
    other = make_plan(desired(camp("a", "stopped")), [lc("1", "a", STARTED, 6)])
    assert approval_digest(one) == approval_digest(same) != approval_digest(other)
    assert valid_digest(approval_digest(one)) and not valid_digest("XYZ")
    assert is_approved(one, [approval_digest(one)]) and not is_approved(one, [])


def test_a_hint_only_past_the_limits_and_approvals_read_from_comment_text() -> None:
    plan = make_plan(desired(camp("a", "absent")), [lc("1", "a")])
    digest = approval_digest(plan)
    hint = approval_hint(plan, Thresholds())
    assert hint is not None and f"/wolkvox-approve {digest}" in hint
    assert approval_hint(plan, Thresholds(max_deletes=1)) is None
    text = f"LGTM\n/wolkvox-approve {digest}\n/wolkvox-approve nothex\n/wolkvox-approve {'a' * 16}"
    assert parse_approvals(text) == [digest, "a" * 16]


def test_the_digest_of_a_plan_is_the_same_in_every_version() -> None:
    """A reviewer's `/wolkvox-approve DIGEST` outlives an upgrade between plan and apply:
    the digest of a given plan is pinned here (canonical JSON, sorted keys, compact, UTF-8)."""
    plan = make_plan(
        desired(camp("café-ñ", "stopped", description="día"), camp("n")),
        [lc("1", "café-ñ", STARTED, 5)],
    )
    assert [a.kind.value for a in plan.actions] == ["stop", "create", "edit", "start"]
    assert approval_digest(plan) == "2f5a722a78d9e38a"
