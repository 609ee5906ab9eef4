from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import pytest

from reconciler.apply.applier import ApplyReport, Outcome, apply_plan
from reconciler.apply.journal import Journal, read_journal
from reconciler.errors import ConfigError, OutcomeUnknown, PlanError
from reconciler.plan.model import Action, ActionKind, Finding, FindingKind, Plan
from reconciler.vocabulary import CampaignType, LiveStatus
from tests.apply.fakes import FakeClient, Row

P = CampaignType.PREVIEW


def all_done(report: ApplyReport) -> bool:
    """Every action done: the live state is now what the plan wanted."""
    return all(o.status == "done" for o in report.outcomes)


def create(name: str) -> Action:
    params = {"campaign_name": name, "campaign_description": ""}
    return Action(ActionKind.CREATE, name, P, None, "not live", params)


def start(name: str, cid: str | None = None) -> Action:
    return Action(ActionKind.START, name, P, cid, "desired started")


def stop(name: str, cid: str) -> Action:
    return Action(ActionKind.STOP, name, P, cid, "desired stopped")


def clear(name: str, cid: str) -> Action:
    return Action(ActionKind.CLEAR, name, P, cid, "desired cleared")


def names(client: FakeClient) -> list[str]:
    return sorted(r.name for r in client.rows.values())


def test_runs_phase_by_phase_and_starts_with_the_id_the_create_returned() -> None:
    client = FakeClient.with_rows(
        Row("1", "a", P, LiveStatus.STARTED, 5), Row("2", "b", P, LiveStatus.STOPPED, 0)
    )
    plan = Plan((start("new"), create("new"), clear("a", "1"), stop("a", "1"), start("b", "2")))
    report = apply_plan(plan, client, recheck_waits=(0,))
    assert all_done(report)
    new_id = next(r.campaign_id for r in client.rows.values() if r.name == "new")
    assert client.log == [
        ("stop", "1"),
        ("clear_campaign", "1"),
        ("create_campaign", "new"),
        ("start", "2"),
        ("start", new_id),
    ]
    assert client.rows[new_id].status is LiveStatus.STARTED
    assert report.api_calls == 5
    assert [o.action.kind for o in report.outcomes] == [
        ActionKind.STOP,
        ActionKind.CLEAR,
        ActionKind.CREATE,
        ActionKind.START,
        ActionKind.START,
    ]


def test_fail_fast_halts_the_run_and_skips_the_rest_with_reasons() -> None:
    client = FakeClient.with_rows(Row("1", "a", P), Row("2", "b", P))
    client.rows.pop("1")  # the start of "a" will fail: NotFound
    plan = Plan((start("a", "1"), start("b", "2")))
    report = apply_plan(plan, client, fail_fast=True)
    assert [o.status for o in report.outcomes] == ["failed", "skipped"]
    assert "--fail-fast" in (report.outcomes[1].error or "")
    assert client.log == [("start", "1")]
    assert not all_done(report)


def test_by_default_independent_actions_go_on_and_dependents_are_skipped() -> None:
    client = FakeClient.with_rows(Row("2", "b", P), Row("3", "c", P, LiveStatus.STARTED, 4))
    plan = Plan((stop("a", "1"), clear("a", "1"), start("b", "2"), stop("c", "3"), clear("c", "3")))
    report = apply_plan(plan, client)
    by = {(o.action.campaign, o.action.kind.value): o for o in report.outcomes}
    assert by["a", "stop"].status == "failed"
    assert by["a", "clear"].status == "skipped"
    assert "stop of a failed" in (by["a", "clear"].error or "")
    assert by["b", "start"].status == "done"
    assert by["c", "clear"].status == "done"
    assert client.rows["3"].records == 0


def test_the_start_of_a_failed_create_is_skipped() -> None:
    client = FakeClient(fail_rate=1.0)
    report = apply_plan(Plan((create("x"), start("x"))), client)
    assert [o.status for o in report.outcomes] == ["failed", "skipped"]
    assert client.log == [("create_campaign", "x")]


@pytest.mark.parametrize("fault", ["quota", "auth"])
def test_quota_and_auth_errors_halt_the_run(fault: str) -> None:
    rows = [Row(str(i), f"c{i}", P) for i in range(4)]
    client = FakeClient.with_rows(*rows)
    if fault == "quota":
        client.quota = 1
    else:
        client.auth_fails = True
    plan = Plan(tuple(start(f"c{i}", str(i)) for i in range(4)))
    report = apply_plan(plan, client)
    statuses = [o.status for o in report.outcomes]
    expected_calls = 2 if fault == "quota" else 1
    assert len(client.log) == expected_calls
    assert statuses.count("skipped") == 4 - expected_calls
    assert "nothing else can succeed" in (report.halted or "")


def test_ambiguous_create_adopts_the_campaign_that_appeared() -> None:
    client = FakeClient(drop_rate=1.0)
    report = apply_plan(Plan((create("x"), start("x"))), client, recheck_waits=(0,))
    client.faults_off()
    assert names(client) == ["x"]
    created = report.outcomes[0]
    assert created.status == "done" and created.adopted
    assert report.outcomes[1].status == "failed"  # the start's answer was dropped too
    assert [api for api, _ in client.log] == ["create_campaign", "campaigns", "start"]
    assert client.log[2][1] == created.campaign_id


def test_ambiguous_create_is_never_sent_again_and_ends_as_outcome_unknown() -> None:
    class NeverCommits(FakeClient):
        def create_campaign(self, type: CampaignType, params: object, *, campaign: str) -> str:
            self._calls += 1
            self.log.append(("create_campaign", campaign))
            raise OutcomeUnknown("timeout", call="create_campaign", campaign=campaign)

    client = NeverCommits()
    report = apply_plan(Plan((create("x"),)), client, recheck_waits=(0, 0, 0))
    # one create, then one re-read per wait: never a second create
    assert [api for api, _ in client.log] == ["create_campaign"] + ["campaigns"] * 3
    assert report.outcomes[0].status == "failed"
    error = report.outcomes[0].error or ""
    assert "outcome unknown" in error and "shows no campaign named 'x'" in error, error
    assert "Not sending the create again" in error and "Run `plan`" in error
    assert client.rows == {}


def test_a_lagging_list_is_read_again_until_the_create_shows() -> None:
    # the create was committed but its answer lost; the list shows it only reads later
    client = FakeClient(drop_rate=1.0, list_lag=3, seed=3)
    report = apply_plan(Plan((create("x"),)), client, recheck_waits=(0, 0, 0, 0))
    assert report.outcomes[0].status == "done" and report.outcomes[0].adopted
    assert [api for api, _ in client.log][:3] == ["create_campaign", "campaigns", "campaigns"]
    assert names(client) == ["x"]


def test_the_waits_between_re_reads_are_waited_and_cut_short_by_an_interrupt() -> None:
    client = FakeClient(drop_rate=1.0, list_lag=10)
    stop = threading.Event()
    threading.Timer(0.2, stop.set).start()
    began = time.monotonic()
    report = apply_plan(Plan((create("x"),)), client, recheck_waits=(0.05, 5.0), stop_event=stop)
    assert time.monotonic() - began < 2
    assert report.outcomes[0].status == "failed"
    assert [api for api, _ in client.log] == ["create_campaign", "campaigns"]


def test_ambiguous_create_is_not_repeated_when_the_list_cannot_be_read() -> None:
    client = FakeClient(drop_rate=1.0, list_fail_rate=1.0)
    report = apply_plan(Plan((create("x"),)), client, recheck_waits=(0,))
    assert [api for api, _ in client.log] == ["create_campaign", "campaigns"]
    assert report.outcomes[0].status == "failed"
    assert "not creating again" in (report.outcomes[0].error or "")
    assert names(client) == ["x"]


@pytest.mark.parametrize("fault", ["quota", "auth"])
def test_a_quota_or_auth_refusal_of_the_re_read_after_an_ambiguous_create_halts_the_run(
    fault: str,
) -> None:
    rows = [Row(str(i), f"c{i}", P) for i in range(3)]
    client = FakeClient.with_rows(*rows, drop_rate=1.0)
    if fault == "quota":
        client.quota = 1  # the create is the last call the quota allows
    plan = Plan((create("x"), *(start(f"c{i}", str(i)) for i in range(3))))

    if fault == "auth":
        original = client.create_campaign

        def create_then_revoke(type: CampaignType, params: object, *, campaign: str) -> str:
            try:
                return original(type, params, campaign=campaign)  # type: ignore[arg-type]
            finally:
                client.auth_fails = True

        client.create_campaign = create_then_revoke  # type: ignore[method-assign]
    report = apply_plan(plan, client, recheck_waits=(0,))
    assert [api for api, _ in client.log] == ["create_campaign", "campaigns"]
    assert report.outcomes[0].status == "failed"
    assert "not creating again" in (report.outcomes[0].error or "")
    assert [o.status for o in report.outcomes[1:]] == ["skipped"] * 3
    assert "nothing else can succeed" in (report.halted or "")


def test_a_campaign_known_before_the_run_is_not_adopted() -> None:
    # a same-named campaign that was live before cannot be what our create made
    client = FakeClient.with_rows(Row("7", "x", P), drop_rate=1.0)
    report = apply_plan(Plan((create("x"),)), client, recheck_waits=(0,), known_ids={"7"})
    assert report.outcomes[0].status == "done"
    assert report.outcomes[0].campaign_id != "7"


def test_concurrency_bounds_calls_in_flight() -> None:
    peak = 0
    current = 0
    guard = threading.Lock()

    class Slow(FakeClient):
        def start(
            self, type: CampaignType, campaign_id: str, *, campaign: str | None = None
        ) -> None:
            nonlocal peak, current
            with guard:
                current += 1
                peak = max(peak, current)
            time.sleep(0.05)
            with guard:
                current -= 1
            super().start(type, campaign_id, campaign=campaign)

    for concurrency, expected in ((1, 1), (2, 2)):
        peak = 0
        client = Slow.with_rows(*(Row(str(i), f"c{i}", P) for i in range(6)))
        plan = Plan(tuple(start(f"c{i}", str(i)) for i in range(6)))
        assert all_done(apply_plan(plan, client, concurrency=concurrency))
        assert peak == expected


def test_concurrency_above_the_vendor_limit_is_refused() -> None:
    with pytest.raises(ConfigError):
        apply_plan(Plan(()), FakeClient(), concurrency=3)


def test_a_plan_with_errors_is_never_executed() -> None:
    client = FakeClient.with_rows(Row("1", "a", P))
    plan = Plan((start("a", "1"),), errors=(Finding(FindingKind.PROTECTED, "no"),))
    with pytest.raises(PlanError):
        apply_plan(plan, client)
    assert client.log == []


def test_stop_event_lets_in_flight_finish_and_skips_the_rest() -> None:
    event = threading.Event()
    client = FakeClient.with_rows(*(Row(str(i), f"c{i}", P) for i in range(4)))
    seen: list[Outcome] = []

    def interrupt(outcome: Outcome) -> None:
        seen.append(outcome)
        event.set()  # Ctrl-C arrives while the first call is finishing

    plan = Plan(tuple(start(f"c{i}", str(i)) for i in range(4)))
    report = apply_plan(plan, client, stop_event=event, on_outcome=interrupt)
    assert report.interrupted
    assert [o.status for o in report.outcomes] == ["done", "skipped", "skipped", "skipped"]
    assert len(seen) == 4 and len(client.log) == 1


def test_the_journal_records_each_attempt_before_its_outcome(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "journal.jsonl"
    client = FakeClient.with_rows(Row("1", "a", P), drop_rate=0.0)
    with Journal(path, run_id="r1") as journal:
        apply_plan(Plan((start("a", "1"), create("n"))), client, journal=journal)
    entries = read_journal(path)
    assert [(e["event"], e["action"], e.get("result")) for e in entries] == [
        ("attempt", "create", None),
        ("outcome", "create", "done"),
        ("attempt", "start", None),
        ("outcome", "start", "done"),
    ]
    assert all(e["run"] == "r1" and e["time"] for e in entries)
    assert entries[1]["campaign_id"] in client.rows


def _delete(name: str, cid: str, ctype: CampaignType = P) -> Action:
    return Action(ActionKind.DELETE, name, ctype, cid, "desired absent")


def test_deletes_go_in_batches_per_type_and_the_plan_counts_those_calls() -> None:
    D = CampaignType.PREDICTIVE
    rows = [Row(str(i), f"c{i}", P) for i in range(1, 6)] + [Row("9", "p9", D)]
    client = FakeClient.with_rows(*rows)
    actions = (*(_delete(f"c{i}", str(i)) for i in range(1, 6)), _delete("p9", "9", D))
    plan = Plan(actions)
    assert plan.action_calls(2) == 4 and plan.action_calls(1) == 6 and plan.api_calls == 4
    report = apply_plan(plan, client, delete_batch=2)
    assert all_done(report) and client.rows == {}
    assert client.log == [
        ("delete_campaigns", "1,2"),
        ("delete_campaigns", "3,4"),
        ("delete_campaigns", "5"),
        ("delete_campaigns", "9"),
    ]
    assert report.api_calls == 4


def test_a_campaign_a_batch_did_not_delete_fails_alone_and_one_by_one_is_the_old_form() -> None:
    client = FakeClient.with_rows(Row("1", "a", P), Row("2", "b", CampaignType.PREDICTIVE))
    # `b` is planned as preview but is predictive live: the bulk call leaves it
    report = apply_plan(Plan((_delete("a", "1"), _delete("b", "2"))), client)
    assert [o.status for o in report.outcomes] == ["done", "failed"]
    assert report.outcomes[1].error == "not deleted: the list still shows it"
    single = FakeClient.with_rows(Row("1", "a", P))
    apply_plan(Plan((_delete("a", "1"),)), single, delete_batch=1)
    assert single.log == [("delete_campaign", "1")]


def test_every_call_names_its_campaign_for_the_errors_it_may_raise() -> None:
    client = FakeClient.with_rows(
        Row("1", "a", P, LiveStatus.STARTED, 5), Row("2", "b", P), Row("3", "c", P),
        Row("4", "d", P), Row("5", "e", P), Row("6", "f", P),
    )  # fmt: skip
    plan = Plan((
        stop("a", "1"), clear("a", "1"), start("b", "2"), create("new"),
        Action(ActionKind.EDIT, "c", P, "3", "", params={"campaign_description": "x"}),
        Action(ActionKind.SPEED, "d", P, "4", "", params={"speed": "7"}),
        _delete("e", "5"), _delete("f", "6"),
    ))  # fmt: skip
    assert all_done(apply_plan(plan, client, delete_batch=2, recheck_waits=(0,)))
    assert client.named == ["a", "e,f", "a", "new", "c", "d", "b"]
    single = FakeClient.with_rows(Row("5", "e", P))
    apply_plan(Plan((_delete("e", "5"),)), single, delete_batch=1)
    assert single.named == ["e"]


class RecordingJournal:
    """The journal's interface, keeping what was recorded and whether it was durable."""

    run_id = "r"

    def __init__(self) -> None:
        self.lines: list[tuple[str, bool, dict[str, object]]] = []

    def record(self, event: str, *, durable: bool = True, **fields: object) -> None:
        self.lines.append((event, durable, fields))

    def sync_soon(self) -> None:
        self.lines.append(("sync-soon", False, {}))

    def close(self) -> None:
        pass


def test_outcomes_are_journaled_with_error_and_duration_a_create_s_id_durable_at_once() -> None:
    client = FakeClient.with_rows(Row("1", "a", P, LiveStatus.STARTED))
    journal = RecordingJournal()
    plan = Plan((stop("a", "1"), create("n"), start("gone", "9")))
    report = apply_plan(plan, client, journal=journal, recheck_waits=(0,))
    outcomes = {f["campaign"]: (durable, f) for e, durable, f in journal.lines if e == "outcome"}
    assert outcomes["n"][0] is True  # the answered id must survive a crash right after
    assert outcomes["a"][0] is False and outcomes["gone"][0] is False
    failed = outcomes["gone"][1]
    assert failed["result"] == "failed" and "campaign not found" in str(failed["error"])
    assert all(isinstance(f["duration"], float) for _, f in outcomes.values())
    assert "adopted" not in outcomes["n"][1] and report.failed
    # a create's attempt is fsynced before its call; another's fsync is asked for at once,
    # to run while its call is in flight
    lines = journal.lines
    attempts = {f["campaign"]: k for k, (e, _, f) in enumerate(lines) if e == "attempt"}
    assert list(attempts) == ["a", "n", "gone"]
    assert lines[attempts["n"]][1] is True
    for name in ("a", "gone"):
        assert lines[attempts[name]][1] is False
        assert lines[attempts[name] + 1][0] == "sync-soon"


def test_a_fatal_error_halts_and_says_which_action_and_why() -> None:
    from reconciler.errors import QuotaExhausted

    class Exhausted(FakeClient):
        def stop(
            self, type: CampaignType, campaign_id: str, *, campaign: str | None = None
        ) -> None:
            raise QuotaExhausted("no calls left", call="stop")

    client = Exhausted.with_rows(Row("1", "a", P, LiveStatus.STARTED), Row("2", "b", P))
    report = apply_plan(Plan((stop("a", "1"), start("b", "2"))), client)
    assert report.halted == "the stop of a failed (QuotaExhausted: nothing else can succeed)"
    assert [o.status for o in report.outcomes] == ["failed", "skipped"]


def test_a_lost_create_answer_is_journaled_as_ambiguous_then_adopted() -> None:
    client = FakeClient.with_rows(drop_rate=1.0)
    journal = RecordingJournal()
    report = apply_plan(Plan((create("n"),)), client, journal=journal, recheck_waits=(0,))
    (outcome,) = report.outcomes
    assert outcome.status == "done" and outcome.adopted and outcome.campaign_id
    events = [(e, f.get("campaign_id"), f.get("error")) for e, _, f in journal.lines]
    assert events[1] == (
        "ambiguous",
        None,
        "create_campaign of campaign n failed: connection dropped",
    )
    assert events[2] == ("adopted", outcome.campaign_id, None)
    assert journal.lines[-1][2]["adopted"] is True


def test_an_edit_s_answer_reaches_the_outcome_and_calls_count_from_the_start() -> None:
    client = FakeClient.with_rows(Row("3", "c", P))
    client.list_campaigns()  # a call made before the apply is not the apply's
    edit = Action(ActionKind.EDIT, "c", P, "3", "", params={"camp_dial_order": "zigzag"})
    report = apply_plan(Plan((edit,)), client)
    assert report.outcomes[0].answer == {"campaign_id": "3", "camp_dial_order": "zigzag"}
    assert report.api_calls == 1
    assert report.outcomes[0].action.campaign_id == "3"


class BatchFails(FakeClient):
    """The bulk delete refused (a 400), or answered without some ids."""

    refuse: Exception | None = None
    leave_out: tuple[str, ...] = ()

    def delete_campaigns(
        self, type: CampaignType, campaign_ids: Sequence[str], *, campaigns: Sequence[str] = ()
    ) -> dict[str, str | None]:
        if self.refuse is not None:
            self.log.append(("delete_campaigns", ",".join(campaign_ids)))
            raise self.refuse
        answer = super().delete_campaigns(type, campaign_ids, campaigns=campaigns)
        return {k: v for k, v in answer.items() if k not in self.leave_out}


def test_a_refused_batch_fails_each_of_its_campaigns_with_the_vendor_s_words() -> None:
    from reconciler.errors import BadRequest

    client = BatchFails.with_rows(Row("1", "a", P), Row("2", "b", P), Row("3", "c", P))
    client.refuse = BadRequest("INVALID campaign_ids", call="delete_campaign")
    journal = RecordingJournal()
    report = apply_plan(
        Plan(tuple(_delete(n, i) for n, i in (("a", "1"), ("b", "2"), ("c", "3")))),
        client,
        delete_batch=2,
        journal=journal,
    )
    assert [(o.action.campaign, o.status, o.campaign_id) for o in report.outcomes] == [
        ("a", "failed", "1"), ("b", "failed", "2"), ("c", "failed", "3"),
    ]  # fmt: skip
    assert all(o.error == "delete_campaign failed: INVALID campaign_ids" for o in report.outcomes)
    assert all(o.duration >= 0 for o in report.outcomes)
    assert client.log == [("delete_campaigns", "1,2"), ("delete_campaigns", "3")]  # not fatal
    attempts = [(f["campaign"], d) for e, d, f in journal.lines if e == "attempt"]
    # each campaign's attempt is journaled; the batch's last one is fsynced before the call
    assert attempts == [("a", False), ("b", True), ("c", True)]
    assert [f["campaign_id"] for e, _, f in journal.lines if e == "attempt"] == ["1", "2", "3"]


def test_a_campaign_whose_stop_failed_is_not_deleted_and_the_others_are() -> None:
    client = BatchFails.with_rows(Row("2", "b", P), Row("3", "c", P))
    plan = Plan((stop("gone", "9"), _delete("gone", "9"), _delete("b", "2"), _delete("c", "3")))
    report = apply_plan(plan, client)
    by_campaign = {(o.action.kind.value, o.action.campaign): o for o in report.outcomes}
    skipped = by_campaign[("delete", "gone")]
    assert (skipped.status, skipped.error) == ("skipped", "not run: the stop of gone failed")
    assert (skipped.campaign_id, skipped.duration) == ("9", 0.0)
    assert by_campaign[("delete", "b")].status == by_campaign[("delete", "c")].status == "done"
    assert client.log[-1] == ("delete_campaigns", "2,3")


def test_an_id_the_answer_leaves_out_is_a_failure_that_says_so() -> None:
    client = BatchFails.with_rows(Row("1", "a", P), Row("2", "b", P))
    client.leave_out = ("2",)
    report = apply_plan(Plan((_delete("a", "1"), _delete("b", "2"))), client)
    assert [(o.status, o.error, o.campaign_id) for o in report.outcomes] == [
        ("done", None, "1"), ("failed", "not in the vendor's answer", "2"),
    ]  # fmt: skip


def test_after_a_fatal_batch_the_next_batches_are_skipped_with_the_reason() -> None:
    from reconciler.errors import QuotaExhausted

    client = BatchFails.with_rows(*(Row(str(i), f"c{i}", P) for i in range(1, 5)))
    client.refuse = QuotaExhausted("no calls left", call="delete_campaign")
    plan = Plan(tuple(_delete(f"c{i}", str(i)) for i in range(1, 5)))
    report = apply_plan(plan, client, delete_batch=2)
    assert [o.status for o in report.outcomes] == ["failed", "failed", "skipped", "skipped"]
    reason = "not run: the delete of c1 failed (QuotaExhausted: nothing else can succeed)"
    assert [o.error for o in report.outcomes[2:]] == [reason, reason]
    assert [o.campaign_id for o in report.outcomes[2:]] == ["3", "4"]
    assert client.log == [("delete_campaigns", "1,2")]


def test_at_concurrency_2_a_freed_slot_is_filled_before_the_outcome_is_told_but_not_a_creates() -> (
    None
):
    """The journal, the state and the terminal hear of a start while the next call is in
    flight; a create's id is on record before anything else is sent."""

    class Slow(FakeClient):
        def start(
            self, type: CampaignType, campaign_id: str, *, campaign: str | None = None
        ) -> None:
            time.sleep(0.02)
            super().start(type, campaign_id, campaign=campaign)

        def create_campaign(self, type: CampaignType, params: object, *, campaign: str) -> str:
            time.sleep(0.02)
            return super().create_campaign(type, params, campaign=campaign)  # type: ignore[arg-type]

    rows = [Row(str(i), f"s{i}", P) for i in range(1, 4)]
    client = Slow.with_rows(*rows)
    journal = RecordingJournal()
    plan = Plan((start("s1", "1"), start("s2", "2"), start("s3", "3")))
    assert all_done(apply_plan(plan, client, concurrency=2, journal=journal))
    events = [(e, f["campaign"]) for e, _, f in journal.lines if e in ("attempt", "outcome")]
    assert events.index(("attempt", "s3")) < min(
        k for k, (e, _) in enumerate(events) if e == "outcome"
    )

    creating = Slow.with_rows()
    journal = RecordingJournal()
    plan = Plan((create("n1"), create("n2"), create("n3")))
    assert all_done(apply_plan(plan, creating, concurrency=2, journal=journal))
    events = [(e, f["campaign"]) for e, _, f in journal.lines if e in ("attempt", "outcome")]
    assert events.index(("attempt", "n3")) > min(
        k for k, (e, _) in enumerate(events) if e == "outcome"
    )
