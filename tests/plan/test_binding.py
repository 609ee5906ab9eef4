"""Identity: the state's binding first, then a pinned id, then the name."""

from __future__ import annotations

from reconciler.plan.model import FindingKind
from reconciler.plan.planner import make_plan
from reconciler.state.model import Binding
from tests.plan.test_planner import STARTED, camp, desired, lc, steps


def bound(**names: str) -> dict[str, Binding]:
    return {n: Binding(n, cid, "created") for n, cid in names.items()}


def test_a_bound_campaign_renamed_in_the_console_is_renamed_back() -> None:
    plan = make_plan(
        desired(camp("renewals", "stopped")),
        [lc("5003", "renewals-old")],
        bindings=bound(renewals="5003"),
    )
    assert steps(plan) == [("edit", "renewals", "5003")]
    assert plan.actions[0].params == {"campaign_name": "renewals"}
    assert plan.errors == () and plan.warnings == ()


def test_a_rename_onto_a_taken_name_is_reported_never_planned() -> None:
    plan = make_plan(
        desired(camp("renewals", "stopped")),
        [lc("5003", "renewals-old"), lc("6000", "renewals")],
        bindings=bound(renewals="5003"),
    )
    assert plan.actions == ()
    assert [e.kind for e in plan.errors] == [FindingKind.CONFLICT]
    assert "now the name of live campaign 6000" in plan.errors[0].message


def test_a_bound_id_the_list_does_not_show_is_never_created_again() -> None:
    plan = make_plan(desired(camp("winback")), [], bindings=bound(winback="77"))
    assert plan.actions == () and plan.errors == ()
    (warning,) = plan.warnings
    assert warning.kind is FindingKind.NOT_YET_LISTED
    assert "created as id 77, not yet listed" in warning.message
    imported = {"winback": Binding("winback", "77", "imported")}
    (gone,) = make_plan(desired(camp("winback")), [], bindings=imported).warnings
    assert gone.kind is FindingKind.BOUND_NOT_LIVE and "state rm winback" in gone.message
    # absent and gone: nothing to say
    absent = make_plan(desired(camp("winback", "absent")), [], bindings=imported)
    assert absent.actions == () and absent.warnings == ()


def test_the_binding_wins_over_the_name_and_a_contradicting_pin_is_an_error() -> None:
    live = [lc("1", "x", STARTED), lc("2", "b")]
    plan = make_plan(desired(camp("a", "stopped")), live, bindings=bound(a="2"))
    assert steps(plan) == [("edit", "a", "2")]  # 2 is `a`: renamed back
    pinned = make_plan(desired(camp("a", "stopped", id="1")), live, bindings=bound(a="2"))
    assert pinned.actions == () and [e.kind for e in pinned.errors] == [FindingKind.CONFLICT]
    assert "import a 1" in pinned.errors[0].message


def test_a_live_campaign_bound_to_another_desired_name_is_not_taken_by_name() -> None:
    plan = make_plan(
        desired(camp("a", "stopped"), camp("b", "stopped")),
        [lc("1", "b")],  # campaign 1 is `a` (renamed `b` in the console)
        bindings=bound(a="1"),
    )
    assert [(e.campaign, e.kind) for e in plan.errors] == [("b", FindingKind.CONFLICT)]
    assert not any(a.kind.value == "create" for a in plan.actions)


def test_a_binding_of_a_name_no_longer_in_the_manifests_does_not_hold_its_campaign() -> None:
    plan = make_plan(desired(camp("new-name", "stopped")), [lc("1", "new-name")],
                     bindings=bound(**{"old-name": "1"}))  # fmt: skip
    assert plan.actions == () and plan.errors == ()


def test_an_adopted_create_not_yet_listed_is_not_created_again_and_absent_waits() -> None:
    adopted = {"w": Binding("w", "5", "adopted")}
    (waiting,) = make_plan(desired(camp("w")), [], bindings=adopted).warnings
    assert waiting.kind is FindingKind.NOT_YET_LISTED and waiting.message == (
        "created as id 5, not yet listed; not created again"
    )
    (absent,) = make_plan(desired(camp("w", "absent")), [], bindings=adopted).warnings
    assert absent.message == (
        "created as id 5, not yet listed (to be deleted once listed); not created again"
    )


def test_a_bound_campaign_meant_to_be_absent_is_deleted_whatever_its_name_now() -> None:
    plan = make_plan(
        desired(camp("old", "absent")),
        [lc("5", "renamed"), lc("6", "old")],  # 6 took the name: not ours
        bindings=bound(old="5"),
    )
    assert steps(plan) == [("delete", "old", "5")] and plan.errors == ()


def test_a_renamed_campaign_whose_name_is_taken_is_neither_planned_nor_called_unmanaged() -> None:
    from reconciler.vocabulary import Unmanaged

    plan = make_plan(
        desired(camp("renewals", "stopped"), unmanaged=Unmanaged.WARN),
        [lc("5003", "renewals-old"), lc("6000", "renewals")],
        bindings=bound(renewals="5003"),
    )
    assert [e.campaign for e in plan.errors] == ["renewals"]
    assert "live campaign 6000; rename one in the console" in plan.errors[0].message
    # 5003 is ours (claimed), 6000 is not: only 6000 is unmanaged
    assert [w.campaign for w in plan.warnings if w.kind is FindingKind.UNMANAGED] == ["renewals"]
    assert "live campaign 6000" in plan.warnings[0].message
