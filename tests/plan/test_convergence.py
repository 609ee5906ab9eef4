"""States: each destructive call names the live campaign it hits; protect refuses."""

from __future__ import annotations

from reconciler.plan.model import FindingKind
from reconciler.plan.planner import make_plan
from tests.plan.test_planner import STARTED, camp, desired, lc, steps


def test_every_destructive_line_names_the_live_campaign_it_hits() -> None:
    plan = make_plan(
        desired(camp("retire-me", "absent", id="102"), camp("c", "cleared")),
        [lc("102", "important-prod", STARTED, 900), lc("5", "c", STARTED, 3)],
    )
    reasons = {(a.kind.value, a.campaign): a.reason for a in plan.actions}
    hit = "live campaign 'important-prod' (id 102, Started, 900 records)"
    assert reasons[("stop", "retire-me")] == f"desired absent; stops {hit}"
    assert reasons[("delete", "retire-me")] == f"desired absent; irreversible: deletes {hit}"
    c = "live campaign 'c' (id 5, Started, 3 records)"
    assert reasons[("stop", "c")] == f"desired cleared; stops {c}"
    assert reasons[("clear", "c")] == f"desired cleared; deletes the records of {c}"


def test_protect_turns_a_clear_or_a_delete_into_an_error_naming_the_campaign() -> None:
    plan = make_plan(
        desired(camp("a", "absent", protect=True), camp("b", "cleared", protect=True)),
        [lc("1", "a", records=4), lc("2", "b", records=9)],
    )
    assert steps(plan) == []
    messages = {e.campaign: e.message for e in plan.errors}
    assert [e.kind for e in plan.errors] == [FindingKind.PROTECTED] * 2
    assert "live campaign 'a' (id 1, Stopped, 4 records)" in messages["a"]
    assert "records of live campaign 'b' (id 2, Stopped, 9 records)" in messages["b"]


def test_a_new_started_campaign_is_created_then_started_a_stopped_one_only_created() -> None:
    plan = make_plan(desired(camp("n"), camp("s", "stopped")), [])
    assert steps(plan) == [("create", "n", None), ("create", "s", None), ("start", "n", None)]


def test_each_call_says_why_it_is_planned_for_tools_that_read_the_json() -> None:
    from reconciler.plan.model import ActionReason
    from reconciler.vocabulary import Unmanaged

    plan = make_plan(
        desired(
            camp("gone", "absent"), camp("c", "cleared"), camp("s", "stopped"), camp("n"),
            camp("d", "stopped", description="new"), unmanaged=Unmanaged.STOP,
        ),
        [lc("1", "gone", STARTED), lc("2", "c", records=3), lc("3", "s", STARTED),
         lc("4", "d"), lc("9", "stray", STARTED)],
    )  # fmt: skip
    why = {(a.kind.value, a.campaign): a.why for a in plan.actions}
    assert why == {
        ("stop", "gone"): ActionReason.ABSENT,
        ("delete", "gone"): ActionReason.ABSENT,
        ("clear", "c"): ActionReason.RECORDS,
        ("stop", "s"): ActionReason.STATE,
        ("create", "n"): ActionReason.NOT_LIVE,
        ("start", "n"): ActionReason.CREATED_BY_PLAN,
        ("edit", "d"): ActionReason.FIELDS,
        ("stop", "stray"): ActionReason.UNMANAGED,
    }
    assert [f.campaign for f in plan.fingerprints if f.campaign == "stray"] == ["stray"]
