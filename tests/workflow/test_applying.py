"""The whole apply sequence through the core layer: a fake operation, no process, no sleep."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from reconciler.apply.applier import ApplyReport, Outcome
from reconciler.errors import (
    ApplyError,
    ApplyFailed,
    ConfigError,
    LockHeld,
    PlanMismatch,
    StalePlan,
    UnsafePlan,
)
from reconciler.plan.model import Plan, Thresholds
from reconciler.plan.saved import plan_document, read_plan
from reconciler.secret import Secret
from reconciler.state.flock import OperationLock, default_lock_dir, lock_key
from reconciler.vocabulary import CampaignType, LiveStatus
from reconciler.workflow import ApplyOptions, apply_manifests, apply_saved, run_plan
from tests.apply.fakes import FakeClient, Row

P = CampaignType.PREVIEW


def all_done(report: ApplyReport) -> bool:
    """Every action done: the live state is now what the plan wanted."""
    return all(o.status == "done" for o in report.outcomes)


TOKEN = "tok-workflow-7a6b5c"
ENV = {"WOLKVOX_TOKEN": TOKEN, "OTHER_SECRET": "other-secret-value"}
ENDPOINT = "http://127.0.0.1:8765"

MANIFEST = """\
version: 1
operation: {unmanaged: warn}
defaults: {type: preview}
campaigns:
  - {name: running, state: started}
  - {name: to-stop, state: stopped}
  - {name: keep, state: stopped, protect: true}
  - {name: brand-new, state: started}
"""


def rows() -> list[Row]:
    return [
        Row("11", "running", P, LiveStatus.STOPPED),
        Row("12", "to-stop", P, LiveStatus.STARTED),
        Row("13", "keep", P, LiveStatus.STOPPED, 20),
        Row("14", "keep-out", P, LiveStatus.STOPPED, 50),  # unmanaged, with records
        Row("15", "vip", P, LiveStatus.STOPPED, 30),
    ]


class UI:
    """Records what the core shows; answers the prompt with `answer`."""

    def __init__(self, answer: bool = True, on_confirm: Callable[[], None] | None = None) -> None:
        self.answer = answer
        self.on_confirm = on_confirm
        self.plans: list[Plan] = []
        self.lines: list[str] = []
        self.outcomes: list[Outcome] = []
        self.reports: list[ApplyReport] = []

    def show_plan(self, plan: Plan) -> None:
        self.plans.append(plan)

    def say(self, text: str) -> None:
        self.lines.append(text)

    def notice(self, text: str) -> None:
        self.lines.append(text)

    def confirm(self, count: int) -> bool:
        if self.on_confirm is not None:
            self.on_confirm()
        return self.answer

    @contextmanager
    def executing(
        self, total: int, stop_event: threading.Event
    ) -> Iterator[Callable[[Outcome], None]]:
        yield self.outcomes.append

    def show_report(self, report: ApplyReport, api_calls: int) -> None:
        self.reports.append(report)


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    path = tmp_path / "campaigns.yaml"
    path.write_text(MANIFEST)
    return path


@pytest.fixture
def client() -> FakeClient:
    return FakeClient.with_rows(*rows())


def options(client: FakeClient, **kw: Any) -> ApplyOptions:
    kw.setdefault("auto_approve", True)
    kw.setdefault("recheck_waits", (0.0,))
    kw.setdefault("thresholds", Thresholds(min_campaigns=100))
    return ApplyOptions(client_factory=client.factory, **kw)


def save(manifest: Path, client: FakeClient, out: Path) -> dict[str, Any]:
    run_plan([str(manifest)], endpoint=ENDPOINT, out=str(out), environ=ENV,
             client_factory=client.factory)  # fmt: skip
    client.log.clear()
    data: dict[str, Any] = json.loads(out.read_text())
    return data


def apis(client: FakeClient) -> list[str]:
    return [api for api, _ in client.log]


# -- from manifests ------------------------------------------------------------------------


def test_auto_approved_apply_lists_once_then_makes_one_call_per_action(
    manifest: Path, client: FakeClient
) -> None:
    ui = UI()
    report = apply_manifests(
        [str(manifest)], ui, endpoint=ENDPOINT, options=options(client), environ=ENV
    )
    assert all_done(report) and len(report.outcomes) == 4
    # nobody reviewed the plan between its list and the execution: no second list
    assert apis(client) == [
        "campaigns", "token_info", "stop", "create_campaign", "start", "start"
    ]  # fmt: skip
    assert client.calls == ui.plans[0].api_calls  # what the plan said: its list, budget, actions
    assert [o.status for o in ui.outcomes] == ["done"] * 4
    assert (manifest.parent / ".wolkvox-reconciler" / "journal.jsonl").is_file()


def test_a_confirmed_apply_reads_the_list_again_after_the_person_said_yes(
    manifest: Path, client: FakeClient
) -> None:
    report = apply_manifests(
        [str(manifest)],
        UI(),
        endpoint=ENDPOINT,
        options=options(client, auto_approve=False),
        environ=ENV,
    )
    assert all_done(report)
    assert apis(client)[:3] == ["campaigns", "campaigns", "token_info"]


def test_a_no_at_the_prompt_changes_nothing(manifest: Path, client: FakeClient) -> None:
    with pytest.raises(ApplyError, match="cancelled"):
        apply_manifests(
            [str(manifest)],
            UI(answer=False),
            endpoint=ENDPOINT,
            options=options(client, auto_approve=False),
            environ=ENV,
        )
    assert apis(client) == ["campaigns"]


def test_a_change_while_confirming_is_stale_and_names_the_campaign(
    manifest: Path, client: FakeClient
) -> None:
    def meanwhile() -> None:
        client.rows["12"].records = 7

    with pytest.raises(StalePlan) as caught:
        apply_manifests(
            [str(manifest)],
            UI(on_confirm=meanwhile),
            endpoint=ENDPOINT,
            options=options(client, auto_approve=False),
            environ=ENV,
        )
    assert len(caught.value.changes) == 1 and "to-stop (id 12)" in caught.value.changes[0]
    # field by field (deepdiff), once the cheap digest comparison found the change
    assert "(records: 0 → 7)" in caught.value.changes[0]
    assert apis(client) == ["campaigns", "campaigns"]


def test_past_a_threshold_is_unsafe_with_its_reasons(manifest: Path, client: FakeClient) -> None:
    with pytest.raises(UnsafePlan) as caught:
        apply_manifests(
            [str(manifest)],
            UI(),
            endpoint=ENDPOINT,
            options=options(client, thresholds=Thresholds(max_stop_pct=0, min_campaigns=1)),
            environ=ENV,
        )
    assert caught.value.reasons and "stops 1 of 1 started" in caught.value.reasons[0]
    assert apis(client) == ["campaigns"]


def test_a_held_lock_names_its_holder(manifest: Path, client: FakeClient) -> None:
    held = OperationLock(default_lock_dir(), lock_key(Secret(TOKEN))).acquire()
    try:
        with pytest.raises(LockHeld) as caught:
            # another endpoint spelling, the same operation: the same lock
            apply_manifests(
                [str(manifest)],
                UI(),
                endpoint="http://localhost:8765",
                options=options(client),
                environ=ENV,
            )
    finally:
        held.release()
    assert "pid" in caught.value.holder
    assert client.log == []


def test_a_failed_action_raises_with_the_report(manifest: Path, client: FakeClient) -> None:
    client.fail_rate = 1.0
    client.list_fail_rate = 0.0
    with pytest.raises(ApplyFailed) as caught:
        apply_manifests(
            [str(manifest)], UI(), endpoint=ENDPOINT, options=options(client), environ=ENV
        )
    report = caught.value.report
    assert isinstance(report, ApplyReport) and report.failed


# -- saved plans ---------------------------------------------------------------------------


def test_a_saved_plan_runs_with_one_list_and_one_call_per_action(
    manifest: Path, client: FakeClient, tmp_path: Path
) -> None:
    out = tmp_path / "plan.json"
    save(manifest, client, out)
    ui = UI()
    report = apply_saved(str(out), ui, endpoint=ENDPOINT, options=options(client), environ=ENV)
    assert all_done(report)
    assert apis(client) == ["campaigns", "token_info", "stop", "create_campaign", "start", "start"]
    assert len(client.log) == ui.plans[0].api_calls  # list, token_info, one per action
    assert ui.plans[0].actions == read_plan(out).plan.actions


def _resign(data: dict[str, Any], token: str) -> dict[str, Any]:
    """What a holder of the token could write by hand: a well-signed, edited plan."""
    from reconciler.plan.saved import _sign

    data = {k: v for k, v in data.items() if k != "signature"}
    data["signature"] = _sign(data, Secret(token))
    return data


def _clear(campaign: str, cid: str) -> dict[str, Any]:
    return {
        "action": "clear",
        "campaign": campaign,
        "type": "preview",
        "campaign_id": cid,
        "reason": "x",
        "why": "records",
    }


EDITS: dict[str, Callable[[dict[str, Any]], None]] = {
    "clear a protected campaign": lambda d: d["actions"].insert(0, _clear("keep", "13")),
    "clear an unmanaged campaign": lambda d: d["actions"].insert(0, _clear("keep-out", "14")),
    "edit the errors": lambda d: d["errors"].append(
        {"campaign": "x", "kind": "conflict", "message": "x"}
    ),
    "drop the warnings": lambda d: d["warnings"].clear(),
    "edit a fingerprint": lambda d: d["fingerprints"][0].update(digest="0" * 16),
    "edit live (thresholds)": lambda d: d["live"].update(total=0, started=0),
    "one action 5,000 times": lambda d: d["actions"].extend([d["actions"][0]] * 5000),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_an_edited_plan_is_refused_as_altered_before_any_call(
    edit: str, manifest: Path, client: FakeClient, tmp_path: Path
) -> None:
    out = tmp_path / "plan.json"
    data = save(manifest, client, out)
    EDITS[edit](data)
    out.write_text(json.dumps(data))
    with pytest.raises(PlanMismatch, match="altered"):
        apply_saved(str(out), UI(), endpoint=ENDPOINT, options=options(client), environ=ENV)
    assert client.log == []


@pytest.mark.parametrize("edit", ["clear a protected campaign", "clear an unmanaged campaign",
                                  "one action 5,000 times"])  # fmt: skip
def test_a_re_signed_plan_runs_only_what_planning_now_produces(
    edit: str, manifest: Path, client: FakeClient, tmp_path: Path
) -> None:
    out = tmp_path / "plan.json"
    data = save(manifest, client, out)
    EDITS[edit](data)
    out.write_text(json.dumps(_resign(data, TOKEN)))
    with pytest.raises(PlanMismatch) as caught:
        apply_saved(str(out), UI(), endpoint=ENDPOINT, options=options(client), environ=ENV)
    assert apis(client) == ["campaigns"]  # the list, then nothing
    assert caught.value.differences[0].startswith("in the file, not planned now:")
    message = str(caught.value)
    assert len(message.splitlines()) <= 12  # at most 10 differences, then a count
    assert client.rows["13"].records == 20 and client.rows["14"].records == 50


def test_a_plan_naming_another_endpoint_or_token_variable_is_refused_before_any_call(
    manifest: Path, client: FakeClient, tmp_path: Path
) -> None:
    out = tmp_path / "plan.json"
    data = save(manifest, client, out)
    opened: list[object] = []

    def factory(target: Any, **kw: Any) -> FakeClient:
        opened.append(target)
        return client

    cases = [
        ("endpoint", "http://127.0.0.1:18999", ENDPOINT),
        ("endpoint", "http://127.0.0.1:18999", None),
        ("token_env", "OTHER_SECRET", ENDPOINT),
    ]
    for field, value, endpoint in cases:
        edited = json.loads(json.dumps(data))
        edited["operation"][field] = value
        out.write_text(json.dumps(edited))
        # with no --endpoint and no operation.server, there is nowhere to send at all: the
        # file alone may not choose where the token goes
        expected = (PlanMismatch, ConfigError)
        with pytest.raises(expected, match=r"made against|token variable|no API endpoint"):
            apply_saved(
                str(out),
                UI(),
                endpoint=endpoint,
                options=ApplyOptions(auto_approve=True, client_factory=factory),
                environ=ENV,
            )
    assert opened == [] and client.log == []


def test_changed_manifests_make_a_saved_plan_a_mismatch(
    manifest: Path, client: FakeClient, tmp_path: Path
) -> None:
    out = tmp_path / "plan.json"
    save(manifest, client, out)
    # to-stop now stays started: the saved stop is no longer justified
    manifest.write_text(
        MANIFEST.replace("{name: to-stop, state: stopped}", "{name: to-stop, state: started}")
    )
    with pytest.raises(PlanMismatch) as caught:
        apply_saved(str(out), UI(), endpoint=ENDPOINT, options=options(client), environ=ENV)
    assert any("stop 'to-stop'" in d for d in caught.value.differences)
    assert apis(client) == ["campaigns"]


def test_a_re_applied_saved_plan_is_stale_not_unsafe(
    manifest: Path, client: FakeClient, tmp_path: Path
) -> None:
    out = tmp_path / "plan.json"
    save(manifest, client, out)
    apply_saved(str(out), UI(), endpoint=ENDPOINT, options=options(client), environ=ENV)
    strict = Thresholds(max_stop_pct=0, min_campaigns=1)
    with pytest.raises(StalePlan) as caught:
        apply_saved(
            str(out), UI(), endpoint=ENDPOINT, options=options(client, thresholds=strict),
            environ=ENV,
        )  # fmt: skip
    assert caught.value.saved and "saved plan is stale" in str(caught.value)


def test_a_stale_refusal_lists_at_most_ten_campaigns_then_a_count() -> None:
    error = StalePlan([f"c{i}: changed" for i in range(15)], saved=True)
    lines = str(error).splitlines()
    assert lines[-1].strip() == "… and 5 more" and len(lines) == 12


def test_the_signed_document_holds_no_token(
    manifest: Path, client: FakeClient, tmp_path: Path
) -> None:
    out = tmp_path / "plan.json"
    result = run_plan([str(manifest)], endpoint=ENDPOINT, environ=ENV, out=str(out),
                      client_factory=client.factory)  # fmt: skip
    text = json.dumps(plan_document(result.saved, result.target.token))
    assert TOKEN not in text and str(result.document["signature"]).startswith("hmac-sha256:")
    assert TOKEN not in out.read_text()
    # what --json prints without --out is not signed: apply executes only saved plans
    printed = run_plan([str(manifest)], endpoint=ENDPOINT, environ=ENV,
                       client_factory=client.factory)  # fmt: skip
    assert "signature" not in printed.document


def test_a_plan_is_made_with_the_cycle_collector_off_and_leaves_it_on(
    manifest: Path, client: FakeClient
) -> None:
    import gc

    seen: list[bool] = []

    def factory(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return client.factory(*args, **kwargs)

    run_plan([str(manifest)], endpoint=ENDPOINT, environ=ENV, client_factory=factory)
    assert seen == [False] and gc.isenabled()


def test_a_plan_over_the_calls_left_today_is_refused_before_any_change(
    manifest: Path, client: FakeClient
) -> None:
    client.calls_left = 3  # the plan needs 4 calls
    with pytest.raises(ApplyError) as caught:
        apply_manifests(
            [str(manifest)], UI(), endpoint=ENDPOINT, options=options(client), environ=ENV
        )
    assert "needs 4 API calls, but the token has 3 left today (token_info" in str(caught.value)
    assert apis(client) == ["campaigns", "token_info"]


def test_without_token_info_the_daily_quota_is_the_budget_and_it_says_so(
    manifest: Path, client: FakeClient
) -> None:
    from reconciler.errors import BadRequest

    def unavailable() -> None:
        raise BadRequest("THE API YOU WANT TO CONSULT DOES NOT EXIST", call="token_info")

    client.token_info = unavailable  # type: ignore[assignment,method-assign]
    manifest.write_text(MANIFEST.replace("unmanaged: warn}", "unmanaged: warn, daily_quota: 2}"))
    with pytest.raises(ApplyError, match=r"2 left today \(operation.daily_quota; token_info"):
        apply_manifests(
            [str(manifest)], UI(), endpoint=ENDPOINT, options=options(client), environ=ENV
        )
    assert not {"stop", "create_campaign", "start"} & set(apis(client))


def test_whatever_ends_a_run_the_journal_says_it_ended(
    manifest: Path, client: FakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise ValueError("an answer no parser foresaw")

    monkeypatch.setattr(client, "start", broken)
    with pytest.raises(ValueError):
        apply_manifests(
            [str(manifest)], UI(), endpoint=ENDPOINT, options=options(client), environ=ENV
        )
    lines = (manifest.parent / ".wolkvox-reconciler" / "journal.jsonl").read_text().splitlines()
    last = json.loads(lines[-1])
    assert last["event"] == "run-end" and "an answer no parser foresaw" in last["aborted"]
