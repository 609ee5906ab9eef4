"""The planner's rules, one test (at least) per rule, no HTTP."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.client.live import LiveCampaign
from reconciler.manifest.desired import Campaign, Desired, Operation, create_params
from reconciler.plan.approval import approval_digest
from reconciler.plan.model import Action, ActionKind, Plan, Thresholds
from reconciler.plan.planner import make_plan
from reconciler.vocabulary import CampaignType, DesiredState, LiveStatus, Unmanaged

PREVIEW = CampaignType.PREVIEW
PREDICTIVE = CampaignType.PREDICTIVE
STARTED = LiveStatus.STARTED
STOPPED = LiveStatus.STOPPED


def camp(name: str, state: str = "started", **kw: object) -> Campaign:
    kw.setdefault("type", PREVIEW)
    return Campaign(name=name, state=DesiredState(state), **kw)  # type: ignore[arg-type]


def lc(
    cid: str,
    name: str,
    status: LiveStatus = STOPPED,
    records: int = 0,
    type: CampaignType = PREVIEW,
    description: str = "",
) -> LiveCampaign:
    return LiveCampaign(cid, name, type, status, records, description)


def desired(*campaigns: Campaign, **operation: object) -> Desired:
    operation.setdefault("unmanaged", Unmanaged.IGNORE)
    return Desired(Operation(**operation), tuple(campaigns))  # type: ignore[arg-type]


def steps(plan: Plan) -> list[tuple[str, str, str | None]]:
    return [(a.kind.value, a.campaign, a.campaign_id) for a in plan.actions]


def kinds(findings: object) -> list[tuple[str | None, str]]:
    return [(f.campaign, f.kind) for f in findings]  # type: ignore[attr-defined]


# -- states ----------------------------------------------------------------------------


def test_in_sync_campaigns_plan_nothing() -> None:
    plan = make_plan(
        desired(camp("a", "started"), camp("b", "stopped"), camp("c", "cleared")),
        [lc("1", "a", STARTED, 5), lc("2", "b", STOPPED, 7), lc("3", "c", STOPPED, 0)],
    )
    assert plan.actions == ()
    assert plan.errors == () and plan.warnings == ()
    assert not plan.has_changes


def test_started_desired_on_stopped_live_is_a_start_with_its_id() -> None:
    plan = make_plan(desired(camp("a", "started")), [lc("11", "a", STOPPED)])
    assert steps(plan) == [("start", "a", "11")]
    assert plan.actions[0].reason == "live Stopped, desired started"


def test_stopped_desired_on_started_live_is_a_stop() -> None:
    plan = make_plan(desired(camp("a", "stopped")), [lc("11", "a", STARTED, 3)])
    assert steps(plan) == [("stop", "a", "11")]
    assert plan.actions[0].reason == (
        "desired stopped; stops live campaign 'a' (id 11, Started, 3 records)"
    )


def test_cleared_on_started_with_records_is_stop_then_clear() -> None:
    plan = make_plan(desired(camp("a", "cleared")), [lc("11", "a", STARTED, 40)])
    assert steps(plan) == [("stop", "a", "11"), ("clear", "a", "11")]
    assert "40 records" in plan.actions[1].reason


def test_cleared_on_stopped_with_records_is_a_clear_only() -> None:
    plan = make_plan(desired(camp("a", "cleared")), [lc("11", "a", STOPPED, 2)])
    assert steps(plan) == [("clear", "a", "11")]


def test_cleared_on_started_empty_is_a_stop_only() -> None:
    plan = make_plan(desired(camp("a", "cleared")), [lc("11", "a", STARTED, 0)])
    assert steps(plan) == [("stop", "a", "11")]


def test_cleared_on_stopped_empty_is_nothing() -> None:
    assert make_plan(desired(camp("a", "cleared")), [lc("11", "a", STOPPED, 0)]).actions == ()


def test_new_started_campaign_is_created_then_started_without_an_id() -> None:
    c = camp("new", "started", description="d", skill_id="7", options={"opt1": "x"})
    plan = make_plan(desired(c), [])
    assert steps(plan) == [("create", "new", None), ("start", "new", None)]
    create, start = plan.actions
    assert create.params == create_params(c)
    assert start.params is None
    # the start runs after the create, on the id the create answers (unknown yet)
    assert plan.actions.index(create) < plan.actions.index(start) and start.campaign_id is None


def test_new_stopped_or_cleared_campaign_is_only_created() -> None:
    plan = make_plan(desired(camp("s", "stopped"), camp("c", "cleared", protect=True)), [])
    assert steps(plan) == [("create", "c", None), ("create", "s", None)]
    assert plan.errors == ()  # nothing to clear in a new campaign, protected or not


def test_actions_are_ordered_by_phase_then_name() -> None:
    plan = make_plan(
        desired(
            camp("z-new", "started"),
            camp("a-new", "stopped"),
            camp("m", "cleared"),
            camp("b", "stopped"),
            camp("c", "started"),
        ),
        [lc("1", "m", STARTED, 3), lc("2", "b", STARTED), lc("3", "c", STOPPED)],
    )
    assert steps(plan) == [
        ("stop", "b", "2"),
        ("stop", "m", "1"),
        ("clear", "m", "1"),
        ("create", "a-new", None),
        ("create", "z-new", None),
        ("start", "c", "3"),
        ("start", "z-new", None),
    ]


# -- identity --------------------------------------------------------------------------


def test_pinned_id_binds_even_when_another_campaign_has_the_name() -> None:
    plan = make_plan(
        desired(camp("a", "stopped", id="22")),
        [lc("21", "a", STARTED), lc("22", "a", STARTED)],
    )
    assert steps(plan) == [("stop", "a", "22")]
    assert plan.errors == ()


def test_pinned_id_with_another_live_name_is_a_rename_showing_the_old_name() -> None:
    plan = make_plan(desired(camp("new name", "started", id="5")), [lc("5", "old", STARTED)])
    assert steps(plan) == [("edit", "new name", "5")]
    assert plan.actions[0].params == {"campaign_name": "new name"}
    assert "name: live 'old' → 'new name'" in plan.actions[0].reason


def test_pinned_id_not_live_is_an_error_and_nothing_is_created() -> None:
    plan = make_plan(desired(camp("a", "started", id="99")), [lc("1", "a", STOPPED)])
    assert plan.actions == ()
    assert kinds(plan.errors) == [("a", "id-not-found")]
    assert "99" in plan.errors[0].message
    assert plan.errors


def test_two_live_campaigns_with_the_name_is_an_error_naming_ids_and_suggesting_id() -> None:
    plan = make_plan(
        desired(camp("dup", "stopped")),
        [lc("8", "dup", STARTED), lc("3", "dup", STARTED)],
    )
    assert plan.actions == ()
    assert kinds(plan.errors) == [("dup", "duplicate-live-name")]
    message = plan.errors[0].message
    assert "3, 8" in message and "id:" in message


def test_duplicates_are_not_reported_or_stopped_as_unmanaged() -> None:
    plan = make_plan(
        desired(camp("dup", "stopped"), unmanaged=Unmanaged.STOP),
        [lc("8", "dup", STARTED), lc("3", "dup", STARTED)],
    )
    assert plan.actions == ()


def test_a_type_that_differs_is_edited_before_the_start_under_the_new_type() -> None:
    plan = make_plan(
        desired(camp("a", "started", type=PREDICTIVE)), [lc("1", "a", STOPPED, type=PREVIEW)]
    )
    assert steps(plan) == [("edit", "a", "1"), ("start", "a", "1")]
    edit, start = plan.actions
    assert edit.params == {"type_camp": "Predictive"} and edit.type is PREVIEW
    assert start.type is PREDICTIVE  # the start runs after the edit changed the type
    assert plan.errors == ()


def test_a_stop_and_clear_run_under_the_live_type_before_the_type_edit() -> None:
    plan = make_plan(
        desired(camp("a", "cleared", type=PREDICTIVE)), [lc("1", "a", STARTED, 4, type=PREVIEW)]
    )
    assert [(a.kind.value, a.type) for a in plan.actions] == [
        ("stop", PREVIEW),
        ("clear", PREVIEW),
        ("edit", PREVIEW),
    ]


def test_one_live_campaign_claimed_twice_is_an_error() -> None:
    # the pin wins whatever the names' order: the error is on the campaign matched by name
    for pinned in ("b", "0"):
        plan = make_plan(
            desired(camp("a", "stopped"), camp(pinned, "started", id="1")),
            [lc("1", "a", STARTED)],
        )
        assert kinds(plan.errors) == [("a", "conflict")]
        # nothing stops the pinned one: the pin only renames live campaign 1
        assert [(a.kind.value, a.campaign) for a in plan.actions] == [("edit", pinned)]


def test_a_partial_plan_cannot_take_a_campaign_pinned_outside_the_selection() -> None:
    # `--target a` must not clear live campaign 1, which the manifest pins to a protected
    # campaign left out of the selection
    d = desired(camp("a", "cleared"), camp("keep", "stopped", id="1", protect=True))
    plan = make_plan(d, [lc("1", "a", STARTED, 40)], targets=["a"])
    assert plan.actions == ()
    assert kinds(plan.errors) == [("a", "conflict")]


# -- drift, protect --------------------------------------------------------------------


def test_description_drift_is_an_edit_showing_both_values() -> None:
    plan = make_plan(
        desired(camp("a", "started", description="new text")),
        [lc("1", "a", STARTED, description="old text")],
    )
    assert steps(plan) == [("edit", "a", "1")]
    assert plan.actions[0].params == {"campaign_description": "new text"}
    assert plan.actions[0].changes == (("description", "live 'old text'", "'new text'"),)


def test_surrounding_whitespace_is_not_drift() -> None:
    # the vendor's sample list shows an empty description as " "
    plan = make_plan(desired(camp("a", "started")), [lc("1", "a", STARTED, description=" ")])
    assert plan.warnings == ()


def test_protected_clear_is_an_error_not_an_action() -> None:
    plan = make_plan(
        desired(camp("a", "cleared", protect=True)), [lc("1", "a", STARTED, records=12)]
    )
    assert steps(plan) == [("stop", "a", "1")]
    assert kinds(plan.errors) == [("a", "protected")]
    assert "12 records" in plan.errors[0].message


# -- unmanaged -------------------------------------------------------------------------

UNMANAGED_LIVE = [lc("1", "mine", STARTED), lc("7", "other", STARTED), lc("8", "idle", STOPPED)]


def test_unmanaged_ignore_says_nothing() -> None:
    plan = make_plan(desired(camp("mine"), unmanaged=Unmanaged.IGNORE), UNMANAGED_LIVE)
    assert plan.actions == () and plan.warnings == ()


def test_unmanaged_warn_warns_once_per_unmanaged_campaign() -> None:
    plan = make_plan(desired(camp("mine"), unmanaged=Unmanaged.WARN), UNMANAGED_LIVE)
    assert plan.actions == ()
    assert kinds(plan.warnings) == [("idle", "unmanaged"), ("other", "unmanaged")]


def test_unmanaged_stop_stops_only_the_started_ones_and_fingerprints_them() -> None:
    plan = make_plan(desired(camp("mine"), unmanaged=Unmanaged.STOP), UNMANAGED_LIVE)
    assert steps(plan) == [("stop", "other", "7")]
    assert "unmanaged" in plan.actions[0].reason
    live_other = UNMANAGED_LIVE[1]
    assert {(f.campaign, f.campaign_id, f.digest) for f in plan.fingerprints} == {
        ("mine", "1", UNMANAGED_LIVE[0].fingerprint()),
        ("other", "7", live_other.fingerprint()),
    }


# -- target / exclude ------------------------------------------------------------------


def test_target_and_exclude_globs_limit_the_plan_and_mark_it_partial() -> None:
    d = desired(
        camp("sales-a", "stopped"),
        camp("sales-b", "stopped"),
        camp("support", "stopped"),
        unmanaged=Unmanaged.STOP,
    )
    live = [
        lc("1", "sales-a", STARTED),
        lc("2", "sales-b", STARTED),
        lc("3", "support", STARTED),
        lc("4", "stray", STARTED),
    ]
    plan = make_plan(d, live, targets=["sales-*"], excludes=["*-b"])
    assert steps(plan) == [("stop", "sales-a", "1")]  # and the unmanaged stray is left alone
    assert plan.partial and plan.targets == ("sales-*",) and plan.excludes == ("*-b",)
    assert [f.campaign for f in plan.fingerprints] == ["sales-a"]
    whole = make_plan(d, live)
    assert not whole.partial
    assert steps(whole) == [
        ("stop", "sales-a", "1"),
        ("stop", "sales-b", "2"),
        ("stop", "stray", "4"),
        ("stop", "support", "3"),
    ]


def test_exclude_alone_makes_a_partial_plan() -> None:
    plan = make_plan(desired(camp("a", "stopped")), [lc("1", "a", STARTED)], excludes=["a"])
    assert plan.partial and plan.actions == ()


# -- budget, thresholds ----------------------------------------------------------------


def test_api_calls_are_the_list_and_quota_check_plus_one_per_action() -> None:
    plan = make_plan(desired(camp("a", "started"), camp("b", "stopped")), [lc("2", "b", STARTED)])
    assert plan.api_calls == 2 + 3 == plan.to_dict()["api_calls"]


def test_quota_warning_when_apply_would_exceed_daily_quota() -> None:
    d = desired(camp("a", "started"), camp("b", "started"), daily_quota=4)
    plan = make_plan(d, [])  # 4 actions → 6 calls
    assert kinds(plan.warnings) == [(None, "quota")]
    assert "6 API calls" in plan.warnings[0].message
    exact = make_plan(replace(d, operation=Operation(daily_quota=6)), [])
    assert exact.warnings == ()


def test_threshold_warning_when_apply_would_refuse() -> None:
    d = desired(*(camp(f"c{i}", "cleared") for i in range(3)))
    live = [lc(str(i), f"c{i}", STOPPED, 10) for i in range(3)]
    plan = make_plan(d, live, thresholds=Thresholds(max_clears=2))
    assert kinds(plan.warnings) == [(None, "threshold"), (None, "threshold")]
    assert "clears the records of 3 campaigns" in plan.warnings[0].message
    # the second says how a reviewer approves exactly this plan
    digest = approval_digest(plan)
    assert f"/wolkvox-approve {digest}" in plan.warnings[1].message
    assert f"--approved {digest}" in plan.warnings[1].message
    assert make_plan(d, live, thresholds=Thresholds(max_clears=3)).warnings == ()


def test_live_counts_cover_the_whole_operation() -> None:
    plan = make_plan(
        desired(camp("a")), [lc("1", "a", STARTED), lc("2", "x", STARTED), lc("3", "y")]
    )
    assert (plan.live_total, plan.live_started) == (3, 2)


# -- saved-plan facts ------------------------------------------------------------------


def test_fingerprints_record_live_digest_or_none_for_new_campaigns() -> None:
    live = [lc("1", "a", STARTED, 4)]
    plan = make_plan(desired(camp("a"), camp("new")), live)
    assert [(f.campaign, f.campaign_id, f.digest) for f in plan.fingerprints] == [
        ("a", "1", live[0].fingerprint()),
        ("new", None, None),
    ]


# -- properties ------------------------------------------------------------------------

NAMES = st.sampled_from(["a", "b", "c", "d", "e", "f"])


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Desired, list[LiveCampaign]]:
    names = draw(st.lists(NAMES, unique=True, max_size=5))
    campaigns = [
        camp(
            n,
            draw(st.sampled_from(list(DesiredState))).value,
            type=draw(st.sampled_from(list(CampaignType))),
            description=draw(st.sampled_from(["", "x"])),
            # mostly bound by name; sometimes pinned to a live id, or to one that is not live
            id=draw(st.sampled_from([None, None, None, "1", "2", "99"])),
        )
        for n in names
    ]
    live_names = draw(st.lists(NAMES, max_size=6))  # may repeat: duplicate names
    live = [
        lc(
            str(i + 1),
            n,
            draw(st.sampled_from(list(LiveStatus))),
            draw(st.sampled_from([0, 5])),
            draw(st.sampled_from(list(CampaignType))),
        )
        for i, n in enumerate(live_names)
    ]
    policy = draw(st.sampled_from(list(Unmanaged)))
    return desired(*campaigns, unmanaged=policy), live


def execute(plan: Plan, live: list[LiveCampaign]) -> list[LiveCampaign]:
    """What the live list looks like after apply ran `plan` (as the vendor documents it)."""
    rows = {x.campaign_id: x for x in live}
    created: dict[str, str] = {}
    for action in plan.actions:
        cid = action.campaign_id
        if action.kind is ActionKind.CREATE:
            assert action.params is not None
            new_id = str(1000 + len(created))
            created[action.campaign] = new_id
            rows[new_id] = lc(
                new_id,
                action.params["campaign_name"],
                STOPPED,
                0,
                action.type,
                action.params["campaign_description"],
            )
            continue
        if cid is None:
            cid = created[action.campaign]  # KeyError: a start before its create
        row = rows[cid]
        if action.kind is ActionKind.STOP:
            rows[cid] = replace(row, status=STOPPED)
        elif action.kind is ActionKind.START:
            rows[cid] = replace(row, status=STARTED)
        elif action.kind is ActionKind.DELETE:
            assert row.status is STOPPED, "deleted a campaign that was not stopped first"
            del rows[cid]
        elif action.kind is ActionKind.EDIT:
            body = action.params or {}
            rows[cid] = replace(
                row,
                name=body.get("campaign_name", row.name),
                description=body.get("campaign_description", row.description),
                type=CampaignType(body.get("type_camp", row.type.value).lower()),
            )
        elif action.kind is ActionKind.SPEED:
            rows[cid] = replace(row, speed=int((action.params or {})["speed"]))
        else:
            assert row.status is STOPPED, "cleared a campaign that was not stopped first"
            rows[cid] = replace(row, records=0)
    return list(rows.values())


def _position(plan: Plan, kind: ActionKind, name: str) -> int | None:
    for i, a in enumerate(plan.actions):
        if a.kind is kind and a.campaign == name:
            return i
    return None


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_actions_are_in_execution_order(scenario: tuple[Desired, list[LiveCampaign]]) -> None:
    d, live = scenario
    plan = make_plan(d, live)
    phases = [a.kind.phase for a in plan.actions]
    assert phases == sorted(phases)
    for kind in ActionKind:
        names = [a.campaign for a in plan.of_kind(kind)]
        assert names == sorted(names)
    seen: set[tuple[ActionKind, str, str | None]] = set()
    for a in plan.actions:
        assert (a.kind, a.campaign, a.campaign_id) not in seen
        seen.add((a.kind, a.campaign, a.campaign_id))
    for a in plan.actions:
        if a.kind is ActionKind.CLEAR:
            stop = _position(plan, ActionKind.STOP, a.campaign)
            assert stop is None or stop < plan.actions.index(a)
        if a.kind is ActionKind.START and a.campaign_id is None:
            create = _position(plan, ActionKind.CREATE, a.campaign)
            assert create is not None and create < plan.actions.index(a)


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_planning_after_the_plan_ran_plans_nothing(
    scenario: tuple[Desired, list[LiveCampaign]],
) -> None:
    d, live = scenario
    first = make_plan(d, live)
    if first.errors:  # apply refuses such a plan: nothing runs, the same plan comes again
        assert make_plan(d, live) == first
        return
    after = execute(first, live)
    second = make_plan(d, after)
    assert second.actions == ()
    assert second.errors == ()


def test_execute_helper_applies_every_kind() -> None:
    # guards the property test's model of the vendor: each kind must change the live row
    live = [lc("1", "s", STARTED, 3), lc("2", "t", STOPPED)]
    plan = Plan(
        actions=(
            Action(ActionKind.STOP, "s", PREVIEW, "1", ""),
            Action(ActionKind.CLEAR, "s", PREVIEW, "1", ""),
            Action(ActionKind.CREATE, "n", PREVIEW, None, "", params=create_params(camp("n"))),
            Action(ActionKind.START, "n", PREVIEW, None, ""),
            Action(ActionKind.START, "t", PREVIEW, "2", ""),
        )
    )
    after = {x.name: (x.status, x.records) for x in execute(plan, live)}
    assert after == {"s": (STOPPED, 0), "t": (STARTED, 0), "n": (STARTED, 0)}


def test_a_target_that_matches_nothing_warns_instead_of_looking_in_sync() -> None:
    plan = make_plan(
        desired(camp("sales-a"), camp("sales-b")),
        [lc("1", "sales-a", STARTED), lc("2", "sales-b", STARTED)],
        targets=("sales-*", "salse-c"),
    )
    assert not plan.actions
    assert [(w.kind, w.message) for w in plan.warnings] == [
        ("target", "--target 'salse-c' matches no campaign in the manifests")
    ]


# -- the steps make_plan runs after identity and states ----------------------------------


def test_an_unknown_skill_refuses_its_campaign_alone_and_no_skills_list_warns() -> None:
    good = camp("good", "stopped", skill_id="1001", description="x")
    bad = camp("bad", "stopped", skill_id="9999", description="y")
    live = [lc("1", "good"), lc("2", "bad")]
    plan = make_plan(desired(good, bad), live, skills={"1001"})
    assert [(a.kind.value, a.campaign) for a in plan.actions] == [("edit", "good")]
    assert [(e.campaign, e.kind.value) for e in plan.errors] == [("bad", "unknown-skill")]
    unverified = make_plan(desired(good), [lc("1", "good")], skills=set())
    assert [w.kind.value for w in unverified.warnings] == ["skills-unverified"]
    assert [a.campaign for a in unverified.actions] == ["good"]


def test_resend_fields_reaches_the_field_diff() -> None:
    c = camp("a", "stopped", start_time="08:00:00", end_time="17:00:00")
    record = {"1": {"start_time": "08:00:00", "end_time": "17:00:00"}}
    assert make_plan(desired(c), [lc("1", "a")], record=record).actions == ()
    again = make_plan(desired(c), [lc("1", "a")], record=record, resend_fields=True)
    assert [a.kind.value for a in again.actions] == ["edit"] and again.resend_fields


def test_a_partial_plan_by_target_or_by_exclude_alone_checks_no_unmanaged_campaign() -> None:
    live = [lc("1", "mine", STARTED), lc("7", "other", STARTED)]
    for selection in ({"targets": ["mine"]}, {"excludes": ["zzz"]}):
        plan = make_plan(desired(camp("mine"), unmanaged=Unmanaged.WARN), live, **selection)  # type: ignore[arg-type]
        assert plan.warnings == (), selection
