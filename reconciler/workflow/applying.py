"""Apply a plan: made now from the manifests (`apply_manifests`) or saved by `plan --out`
(`apply_saved`). Each step before executing can refuse, and then nothing is changed:

    manifests:  lock → state → list → plan → show → safety → confirm → list → staleness
                → quota → execute (--auto-approve: no confirm, and no second list, since
                nobody reviewed the plan between the two)
    saved plan: signature and identity (no call) → lock → state → list → staleness → plan
                again and compare → safety → show → confirm → quota → execute

The lock and the state are the operation's (`reconciler/state/`): read only once the lock
is held, so that what another apply just created is bound before this one plans.

The quota check reads `token_info` (1 call) and refuses a plan whose calls exceed the calls
left today; a plan that sends a skill reads `api=skills` once first.

A saved plan is a claim, not an instruction: it runs only when its signature holds (it was
written by a holder of the token and not edited since), it names the operation the
manifests and the command line name, the campaigns it manages are as it saw them, and
planning now, with `protect`, the unmanaged policy, errors and thresholds evaluated afresh,
produces exactly its actions. What runs is the fresh plan, identical to the saved one.

People are reached only through `ApplyUI`: the core prints nothing and knows no terminal.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ..apply.applier import DEFAULT_RECHECK_WAITS, ApplyReport, Outcome
from ..client.live import LiveCampaign
from ..errors import (
    ApplyError,
    ApplyFailed,
    Interrupted,
    PlanMismatch,
    StalePlan,
)
from ..plan.model import DELETE_BATCH, Plan, Thresholds
from ..plan.saved import read_document, saved_from_document, verify_signature
from .checks import budget
from .compare import check_identity, plan_differences, shown_target
from .planning import load_desired, open_client, plan_operation
from .stateful import StatePlace, open_target_state
from .target import Target, resolve_target

if TYPE_CHECKING:
    from ..client import WolkvoxClient
    from ..state import StateBackend
    from ..state.recorder import StateRecorder

__all__ = ["ApplyOptions", "ApplyUI", "apply_manifests", "apply_saved", "plan_differences"]

#: how many differences a refusal names before it counts the rest
_MOST = 10


class ApplyUI(Protocol):
    """How the core reaches the person (or CI log) running apply."""

    def show_plan(self, plan: Plan) -> None: ...

    def say(self, text: str) -> None: ...  # a line for stdout

    def notice(self, text: str) -> None: ...  # a line for stderr

    def confirm(self, count: int) -> bool: ...  # False: cancelled

    def executing(
        self, total: int, stop_event: threading.Event
    ) -> AbstractContextManager[Callable[[Outcome], None]]:
        """While the actions run: progress, and Ctrl-C / SIGTERM wired to `stop_event`;
        yields the callback that receives each outcome."""
        ...

    def show_report(self, report: ApplyReport, api_calls: int) -> None: ...


@dataclass(frozen=True)
class ApplyOptions:
    auto_approve: bool = False
    concurrency: int = 1
    fail_fast: bool = False
    force: bool = False
    #: digests of plans a reviewer approved past the thresholds (plan/approval.py)
    approved: tuple[str, ...] = ()
    thresholds: Thresholds = Thresholds()  # noqa: RUF009 - frozen
    lock_timeout: float = 0.0
    #: campaigns of one type per delete call (`plan.model.DELETE_BATCH`; 1: one each)
    delete_batch: int = DELETE_BATCH
    state_dir: str | None = None  # the local state's directory; default beside the manifests
    lock_dir: str | None = None  # the local lock's; default: the per-user lock directory
    #: the state backend (`--state` / `WOLKVOX_STATE`); default the manifests' choice
    state_backend: str | None = None
    timeout: float = 60.0
    recheck_waits: tuple[float, ...] = DEFAULT_RECHECK_WAITS
    client_options: Mapping[str, Any] = field(default_factory=dict)
    #: how the client is made (tests pass a fake); default `planning.open_client`
    client_factory: Callable[..., Any] | None = None
    #: send the fields the list cannot show even with no last-applied record saying so
    resend_fields: bool = False


def apply_manifests(
    paths: Sequence[str],
    ui: ApplyUI,
    *,
    targets: Sequence[str] = (),
    excludes: Sequence[str] = (),
    endpoint: str | None = None,
    options: ApplyOptions = ApplyOptions(),
    environ: Mapping[str, str] | None = None,
) -> ApplyReport:
    """Bring the live campaigns to the manifests. API calls: 3 + one per action (the
    list, the list again after confirmation, `token_info`); 2 + one with auto-approve."""
    desired = load_desired(paths, environ)
    target = resolve_target(desired.operation, endpoint, environ)
    stop_event = threading.Event()
    with (
        _state(target, paths, options, environ) as state,
        _locked(state, target, options, ui),
        _client(target, options, stop_event) as client,
    ):
        recorder = _recorder(state)
        live = client.list_campaigns()
        saved = plan_operation(
            desired,
            paths,
            live,
            target,
            targets=targets,
            excludes=excludes,
            thresholds=options.thresholds,
            state=recorder.snapshot,
            resend_fields=options.resend_fields,
            client=client,
        )
        plan = saved.plan
        ui.show_plan(plan)
        plan.check_safety(options.thresholds, force=options.force, approved=options.approved)
        if not plan.has_changes:
            ui.say("Nothing to apply.")
            return ApplyReport(outcomes=(), api_calls=client.calls)
        fresh = live  # --auto-approve: read a moment ago, nobody reviewed in between
        if not options.auto_approve:
            _confirm(plan, options, ui)
            # the plan was read by a person, for as long as it took: is it still true?
            fresh = client.list_campaigns()
            changes = _stale(plan, fresh)
            if changes:
                raise StalePlan(changes, saved=False)
        _check_budget(plan, client, target, ui, options.delete_batch)
        return _execute(plan, client, fresh, recorder, options, ui, stop_event, "manifests")


def apply_saved(
    plan_file: str,
    ui: ApplyUI,
    *,
    paths: Sequence[str] = (),
    endpoint: str | None = None,
    options: ApplyOptions = ApplyOptions(),
    environ: Mapping[str, str] | None = None,
) -> ApplyReport:
    """Execute a saved plan, if and only if it is still exactly what planning produces.
    `paths`: the manifests (default: the ones the plan was made from). API calls: 1 + one
    per action; a refusal costs at most the list call, never a change."""
    document = read_document(plan_file)
    saved = saved_from_document(document, plan_file)
    paths = tuple(paths) or saved.paths
    if not paths:
        raise PlanMismatch(f"{plan_file} names no manifests: give the manifest PATH...")
    desired = load_desired(paths, environ)
    target = resolve_target(desired.operation, endpoint, environ)
    check_identity(saved.operation.token_env, saved.endpoint, saved.operation.server, target)
    verify_signature(document, target.token, plan_file)
    stop_event = threading.Event()
    with (
        _state(target, paths, options, environ) as state,
        _locked(state, target, options, ui),
        _client(target, options, stop_event) as client,
    ):
        recorder = _recorder(state)
        live = client.list_campaigns()
        changes = _stale(saved.plan, live)
        if changes:
            raise StalePlan(changes, saved=True)
        fresh = plan_operation(
            desired,
            paths,
            live,
            target,
            targets=saved.plan.targets,
            excludes=saved.plan.excludes,
            thresholds=options.thresholds,
            state=recorder.snapshot,
            resend_fields=saved.plan.resend_fields,
            client=client,
        ).plan
        differences = plan_differences(saved.plan, fresh)
        if differences:
            raise PlanMismatch(
                f"{plan_file} is not what the manifests and the live state produce now; "
                "nothing was executed (make the plan again)",
                differences,
            )
        ui.show_plan(fresh)
        fresh.check_safety(options.thresholds, force=options.force, approved=options.approved)
        if not fresh.has_changes:
            ui.say("Nothing to apply.")
            return ApplyReport(outcomes=(), api_calls=client.calls)
        _confirm(fresh, options, ui)
        _check_budget(fresh, client, target, ui, options.delete_batch)
        return _execute(fresh, client, live, recorder, options, ui, stop_event, "saved plan")


def _check_budget(
    plan: Plan, client: WolkvoxClient, target: Target, ui: ApplyUI, delete_batch: int
) -> None:
    """Refuse, before any change, a plan the token's calls left today cannot pay for."""
    found = budget(client, target.operation)
    # the list and token_info are spent already
    needed = plan.action_calls(delete_batch)
    refusal = found.refusal(needed)
    if refusal:
        raise ApplyError(refusal)
    ui.notice(found.describe(needed))


def _stale(plan: Plan, live: Sequence[LiveCampaign]) -> list[str]:
    from ..apply.stale import stale_reasons

    return stale_reasons(plan, live)


def _confirm(plan: Plan, options: ApplyOptions, ui: ApplyUI) -> None:
    if options.auto_approve:
        return
    if not ui.confirm(len(plan.actions)):
        raise ApplyError("apply cancelled: nothing was changed")


@contextmanager
def _state(
    target: Target,
    paths: Sequence[str],
    options: ApplyOptions,
    environ: Mapping[str, str] | None,
) -> Iterator[StateBackend]:
    place = StatePlace(options.state_backend, options.state_dir, options.lock_dir)
    state = open_target_state(target, paths, place, environ)
    try:
        yield state
    finally:
        state.close()


def _locked(
    state: StateBackend, target: Target, options: ApplyOptions, ui: ApplyUI
) -> AbstractContextManager[Any]:
    lock = state.lock(options.lock_timeout, shown_target(target))
    if lock.took_over is not None:
        ui.notice(
            f"Took over the lock left by an apply that is gone ({lock.took_over}); "
            "run `plan` to see where it stopped."
        )
    return lock


def _recorder(state: StateBackend) -> StateRecorder:
    """The state, read now that the lock is held, and what will record apply's outcomes."""
    from ..state.recorder import StateRecorder

    return StateRecorder(state, state.read())


def _client(target: Target, options: ApplyOptions, stop_event: threading.Event) -> WolkvoxClient:
    # once stop_event is set (Ctrl-C), the client retries nothing more
    factory = options.client_factory or open_client
    client: WolkvoxClient = factory(
        target,
        timeout=options.timeout,
        concurrency=options.concurrency,
        interrupted=stop_event,
        **dict(options.client_options),
    )
    return client


def _execute(
    plan: Plan,
    client: WolkvoxClient,
    live: Sequence[LiveCampaign],
    recorder: StateRecorder,
    options: ApplyOptions,
    ui: ApplyUI,
    stop_event: threading.Event,
    mode: str,
) -> ApplyReport:
    from ..apply.applier import apply_plan
    from ..plan.approval import approval_digest

    n = len(plan.actions)
    state = recorder.backend
    # what the plan matched by name or pinned id is bound from now on, before any call
    managed = _managed(plan)
    recorder.bind_matched(
        (fp.campaign, fp.campaign_id)
        for fp in plan.fingerprints
        if fp.campaign_id is not None and fp.campaign in managed
    )
    journal = state.journal()
    try:
        journal.record(
            "run-start",
            mode=mode,
            endpoint=client.base_url,
            actions=n,
            who=_who(),
            digest=approval_digest(plan),
        )
        with ui.executing(n, stop_event) as show:

            def on_outcome(outcome: Outcome) -> None:
                if outcome.status == "done":
                    recorder.saw(
                        outcome.action,
                        outcome.campaign_id,
                        outcome.answer,
                        adopted=bool(outcome.adopted),
                    )
                show(outcome)

            try:
                report = apply_plan(
                    plan,
                    client,
                    concurrency=options.concurrency,
                    fail_fast=options.fail_fast,
                    journal=journal,
                    on_outcome=on_outcome,
                    stop_event=stop_event,
                    known_ids=[lc.campaign_id for lc in live],
                    recheck_waits=options.recheck_waits,
                    delete_batch=options.delete_batch,
                )
            except BaseException as exc:  # whatever ends the run, the journal says it ended
                journal.record("run-end", aborted=f"{type(exc).__name__}: {exc}"[:500])
                raise
            finally:
                recorder.flush()
        journal.record(
            "run-end",
            done=len(report.done),
            failed=len(report.failed),
            skipped=len(report.skipped),
            interrupted=report.interrupted,
            api_calls=client.calls,
        )
    finally:
        journal.close()
    ui.show_report(report, client.calls)
    if report.interrupted:
        raise Interrupted(
            "Interrupted: in-flight calls finished; run apply again to finish.", report=report
        )
    if report.failed:
        n_failed = len(report.failed)
        raise ApplyFailed(
            f"{n_failed} action{'s' if n_failed != 1 else ''} failed; run apply again to "
            f"finish (`wolkvox-reconciler history` shows what was done; state: "
            f"{state.describe()})",
            report=report,
        )
    return report


def _managed(plan: Plan) -> set[str]:
    """The names the plan manages (not the unmanaged campaigns it may stop)."""
    from ..plan.model import ActionReason

    unmanaged = {a.campaign for a in plan.actions if a.why is ActionReason.UNMANAGED}
    return {fp.campaign for fp in plan.fingerprints} - unmanaged


def _who() -> str:
    import getpass
    import socket

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{user}@{socket.gethostname()}"
