"""The Plan: its calls, its counts, its safety limits and its saved form."""

from __future__ import annotations

import pytest

from reconciler.errors import PlanError, UnsafePlan
from reconciler.plan.approval import approval_digest
from reconciler.plan.model import Plan, Thresholds
from reconciler.plan.planner import make_plan
from tests.plan.test_planner import STARTED, camp, desired, lc


def _stops(n_stop: int, n_live: int) -> Plan:
    live = [lc(str(i), f"c{i}", STARTED) for i in range(n_live)]
    wanted = [camp(f"c{i}", "stopped" if i < n_stop else "started") for i in range(n_live)]
    return make_plan(desired(*wanted), live)


def test_calls_are_the_refresh_list_the_quota_check_and_one_per_action() -> None:
    plan = _stops(2, 10)
    assert plan.api_calls == 4 and plan.summary["stop"] == 2 and plan.has_changes
    assert Plan.from_dict(plan.to_dict()) == plan


def test_stopping_more_than_the_share_is_refused_from_min_campaigns_on() -> None:
    limits = Thresholds(max_stop_pct=30, min_campaigns=10)
    assert _stops(3, 10).threshold_violations(limits) == []  # 30 %: not more than
    (reason,) = _stops(4, 10).threshold_violations(limits)
    assert "stops 4 of 10 started campaigns (40 %, more than --max-stop-pct 30)" in reason
    assert _stops(2, 3).threshold_violations(limits) == []  # below min_campaigns


def test_check_safety_refuses_errors_and_limits_unless_forced_or_approved() -> None:
    plan = _stops(4, 10)
    with pytest.raises(UnsafePlan, match="approval needed for plan"):
        plan.check_safety(Thresholds())
    plan.check_safety(Thresholds(), force=True)
    plan.check_safety(Thresholds(), approved=[approval_digest(plan)])
    with pytest.raises(UnsafePlan):
        plan.check_safety(Thresholds(), approved=["0" * 16])
    broken = make_plan(desired(camp("d")), [lc("1", "d"), lc("2", "d")])
    with pytest.raises(PlanError, match="the plan has errors"):
        broken.check_safety(Thresholds(), force=True)


def test_a_daily_quota_below_the_calls_is_a_warning() -> None:
    plan = _stops(2, 10)
    (warning,) = plan.budget_warnings(3, Thresholds())
    assert "apply will make 4 API calls, more than operation.daily_quota 3" in warning.message
    assert plan.budget_warnings(4, Thresholds()) == ()


def test_the_delete_limit_counts_in_words() -> None:
    one = make_plan(desired(camp("a", "absent")), [lc("1", "a")])
    two = make_plan(desired(camp("a", "absent"), camp("b", "absent")), [lc("1", "a"), lc("2", "b")])
    assert one.threshold_violations(Thresholds()) == [
        "the plan deletes 1 campaign (more than --max-deletes 0)"
    ]
    assert two.threshold_violations(Thresholds(max_deletes=1)) == [
        "the plan deletes 2 campaigns (more than --max-deletes 1)"
    ]
