"""Execute a Plan through the client: in plan order, phase by phase, never twice.

The rules a user relies on:

- Phases run one after the other (every stop, then clears, creates, starts); inside a
  phase at most `concurrency` calls are in flight (the vendor allows 2 per token).
- The start of a campaign created in this run uses the id its create returned.
- A failed or skipped action skips every later action on the same campaign (a clear after
  a failed stop, the start of a failed create).
- After any other failure the actions that do not depend on it still run, as Terraform
  carries on with what does not depend on a failed resource; `fail_fast` halts instead.
  Quota and auth errors halt the run at once (nothing else can succeed). Halting means: no
  new call starts, in-flight calls finish, what was not run is reported as skipped with
  the reason.
- A create is never sent twice by the applier. After an ambiguous answer (`OutcomeUnknown`:
  no answer, a 5xx, a 2xx without an id) the vendor may have committed it, and its list may
  show a new campaign only seconds later: the list is read again after each of
  `recheck_waits` (default 1, 2, 4, 8 s); a campaign with that name that was not there
  before is adopted (its id is used from then on). None after the last read, or a list that
  cannot be read: the action fails as "outcome unknown", and the next run's plan sees the
  truth. (The client itself re-sends a create only when the request provably never left.)
- `stop_event` (set on Ctrl-C) acts like a halt.

The applier retries nothing else: the client already retries what is safe to retry.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import replace
from typing import Any

from ..errors import (
    ApiError,
    AuthError,
    ConfigError,
    OutcomeUnknown,
    PlanError,
    QuotaExhausted,
)
from ..plan.model import DELETE_BATCH, Action, ActionKind, Plan
from ..state.backend import JournalWriter
from ..vocabulary import CampaignType
from .outcomes import ApplyClient, ApplyReport, Outcome, Status
from .recovery import DEFAULT_RECHECK_WAITS, find_created, recheck_waits_within

__all__ = [
    "DEFAULT_RECHECK_WAITS",
    "ApplyClient",
    "ApplyReport",
    "Outcome",
    "apply_plan",
    "recheck_waits_within",
]


#: errors after which no further call can succeed in this run
_FATAL = (QuotaExhausted, AuthError)


def apply_plan(
    plan: Plan,
    client: ApplyClient,
    *,
    concurrency: int = 1,
    fail_fast: bool = False,
    journal: JournalWriter | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    stop_event: threading.Event | None = None,
    known_ids: Collection[str] | None = None,
    recheck_waits: Sequence[float] = DEFAULT_RECHECK_WAITS,
    delete_batch: int = DELETE_BATCH,
) -> ApplyReport:
    """Execute `plan` (its actions, in order) and report what became of each.

    `known_ids`: the ids of the live list checked right before executing; a campaign
    found after an ambiguous create is adopted only if its id is not among them.
    `recheck_waits`: the seconds to wait before each re-read of the list after an
    ambiguous create, so that a create committed late, or a list that lags, shows up.
    `delete_batch`: campaigns of one type per delete call (1: one call each).
    """
    if plan.errors:
        raise PlanError("the plan has errors and cannot be applied")
    if not 1 <= concurrency <= 2:
        raise ConfigError(
            f"--concurrency must be 1 or 2 (the vendor's limit per token), not {concurrency}"
        )
    run = _Run(
        client,
        concurrency=concurrency,
        fail_fast=fail_fast,
        journal=journal,
        on_outcome=on_outcome,
        stop_event=stop_event or threading.Event(),
        known_ids=frozenset(known_ids or ()),
        recheck_waits=tuple(max(0.0, w) for w in recheck_waits) or (0.0,),
    )
    calls_before = client.calls
    for kind in ActionKind:
        if kind is ActionKind.DELETE and delete_batch > 1:
            run.delete_phase(plan.of_kind(kind), delete_batch)
        else:
            run.phase(plan.of_kind(kind))
    ordered = tuple(run.outcomes[i] for i in sorted(run.outcomes))
    return ApplyReport(
        outcomes=ordered,
        api_calls=client.calls - calls_before,
        halted=run.halted,
        interrupted=run.stop_event.is_set(),
    )


class _Run:
    """The state of one apply; only the coordinating thread mutates it."""

    def __init__(
        self,
        client: ApplyClient,
        *,
        concurrency: int,
        fail_fast: bool,
        journal: JournalWriter | None,
        on_outcome: Callable[[Outcome], None] | None,
        stop_event: threading.Event,
        known_ids: frozenset[str],
        recheck_waits: tuple[float, ...],
    ) -> None:
        self.client = client
        self.concurrency = concurrency
        self.fail_fast = fail_fast
        self.journal = journal
        self.on_outcome = on_outcome
        self.stop_event = stop_event
        self.known_ids = known_ids
        self.recheck_waits = recheck_waits
        self.outcomes: dict[int, Outcome] = {}
        self.created: dict[str, str] = {}  # campaign name → id its create returned
        #: campaign (its id; its name while it has none) → what went wrong with it
        self.broken: dict[str, str] = {}
        self.halted: str | None = None
        self._index = 0

    # -- coordination ------------------------------------------------------------------

    def phase(self, actions: list[Action]) -> None:
        pending = deque(actions)  # popped from the left: a list would cost O(n²) at 100,000
        if self.concurrency == 1:
            # one call at a time, made from this thread: no hand-off to a worker and back,
            # which costs each call a thread's wake-up twice
            while pending:
                index, action = self._next_to_send(pending)
                if action is not None:
                    self._finish(index, *self._execute(action))
            return
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            in_flight: dict[Future[tuple[Outcome, ApiError | None]], int] = {}

            def fill() -> None:
                while pending and len(in_flight) < self.concurrency:
                    index, action = self._next_to_send(pending)
                    if action is not None:
                        in_flight[pool.submit(self._execute, action)] = index

            while pending or in_flight:
                fill()
                if not in_flight:
                    break
                # a short timeout keeps the main thread responsive to signals
                finished, _ = wait(in_flight, timeout=0.1, return_when=FIRST_COMPLETED)
                told_later = []
                for future in finished:
                    index = in_flight.pop(future)
                    outcome, error = future.result()
                    self._settle(index, outcome, error)
                    if outcome.action.kind is ActionKind.CREATE:
                        self._tell(outcome)  # its id is on record before anything is sent
                    else:
                        told_later.append(outcome)
                # the freed slots are filled first: the state, the journal and the terminal
                # hear of the other outcomes while the next calls are in flight
                fill()
                for outcome in told_later:
                    self._tell(outcome)

    def _next_to_send(self, pending: deque[Action]) -> tuple[int, Action | None]:
        """The next action, its attempt journaled; None if it is skipped (and finished)."""
        index = self._next_index()
        action = self._resolve(pending.popleft())
        reason = self._skip_reason(action)
        if reason is not None:
            self._finish(index, Outcome(action, "skipped", action.campaign_id, 0.0, reason), None)
            return index, None
        self._attempt(action)
        return index, action

    def delete_phase(self, actions: list[Action], batch: int) -> None:
        """The deletes, `batch` campaigns of one type per call, one batch at a time (each
        campaign's attempt is in the journal before its batch is sent)."""
        queued: dict[CampaignType, list[tuple[int, Action]]] = {}
        for raw in actions:
            index, action = self._next_index(), self._resolve(raw)
            reason = self._skip_reason(action)
            if reason is not None:
                self._finish(
                    index, Outcome(action, "skipped", action.campaign_id, 0.0, reason), None
                )
            else:
                queued.setdefault(action.type, []).append((index, action))
        for ctype, group in queued.items():
            for start in range(0, len(group), batch):
                chunk = []
                for index, action in group[start : start + batch]:
                    reason = self._skip_reason(action)  # a batch before may have halted the run
                    if reason is not None:
                        skipped = Outcome(action, "skipped", action.campaign_id, 0.0, reason)
                        self._finish(index, skipped, None)
                    else:
                        chunk.append((index, action))
                if chunk:
                    self._delete_batch(ctype, chunk)

    def _delete_batch(self, ctype: CampaignType, chunk: list[tuple[int, Action]]) -> None:
        for k, (_, action) in enumerate(chunk):
            self._record("attempt", action, action.campaign_id, durable=k == len(chunk) - 1)
        began = time.monotonic()
        ids = [str(action.campaign_id) for _, action in chunk]
        try:
            result = self.client.delete_campaigns(
                ctype, ids, campaigns=[action.campaign for _, action in chunk]
            )
        except ApiError as exc:
            took = time.monotonic() - began
            for index, action in chunk:
                failed = Outcome(action, "failed", action.campaign_id, took, str(exc))
                self._finish(index, failed, exc)
            return
        took = time.monotonic() - began
        for index, action in chunk:
            why = result.get(str(action.campaign_id), "not in the vendor's answer")
            status: Status = "done" if why is None else "failed"
            self._finish(index, Outcome(action, status, action.campaign_id, took, why), None)

    def _next_index(self) -> int:
        self._index += 1
        return self._index

    def _resolve(self, action: Action) -> Action:
        """An action on a campaign this run creates gets the id its create returned."""
        if action.kind is not ActionKind.CREATE and action.campaign_id is None:
            new_id = self.created.get(action.campaign)
            if new_id is not None:
                return replace(action, campaign_id=new_id)
        return action

    def _skip_reason(self, action: Action) -> str | None:
        if _key(action) in self.broken:
            return f"not run: {self.broken[_key(action)]}"
        if self.stop_event.is_set():
            return "not run: interrupted"
        if self.halted is not None:
            return f"not run: {self.halted}"
        if action.campaign_id is None and action.kind is not ActionKind.CREATE:
            return "not run: no campaign id (its create did not run in this apply)"
        return None

    def _finish(self, index: int, outcome: Outcome, error: ApiError | None) -> None:
        self._settle(index, outcome, error)
        self._tell(outcome)

    def _settle(self, index: int, outcome: Outcome, error: ApiError | None) -> None:
        """What the outcome decides (a create's id, what is broken, a halt), at once."""
        action = outcome.action
        self.outcomes[index] = outcome
        if outcome.status == "done" and action.kind is ActionKind.CREATE:
            assert outcome.campaign_id is not None
            self.created[action.campaign] = outcome.campaign_id
        if outcome.status != "done":
            self.broken.setdefault(
                _key(action), f"the {action.kind.value} of {action.campaign} {outcome.status}"
            )
        if outcome.status == "failed" and self.halted is None:
            what = f"the {action.kind.value} of {action.campaign} failed"
            if isinstance(error, _FATAL):
                self.halted = f"{what} ({type(error).__name__}: nothing else can succeed)"
            elif self.fail_fast:
                self.halted = f"{what} (--fail-fast: nothing more was started)"

    def _tell(self, outcome: Outcome) -> None:
        """The state, then the journal (and the caller) hear of an outcome."""
        action = outcome.action
        # the state hears of an outcome before the journal does: every outcome the journal
        # holds is then in the state too (or replayed from the journal into it)
        if self.on_outcome is not None:
            self.on_outcome(outcome)
        self._record(
            "outcome",
            action,
            outcome.campaign_id,
            # a create's answered id is durable at once: the next plan must never send that
            # create again; other outcomes ride on the next attempt's fsync (or run-end's)
            durable=action.kind is ActionKind.CREATE and outcome.status == "done",
            result=outcome.status,
            error=outcome.error,
            duration=round(outcome.duration, 3),
            adopted=outcome.adopted or None,
        )

    def _attempt(self, action: Action) -> None:
        """The attempt is in the journal before its call is sent (a kill -9 cannot lose
        it). A create's is fsynced first too: the create is the one call that must never
        be sent twice. Another's is fsynced while its call is in flight (group commit)."""
        create = action.kind is ActionKind.CREATE
        self._record("attempt", action, action.campaign_id, durable=create)
        if not create and self.journal is not None:
            self.journal.sync_soon()

    def _record(
        self,
        event: str,
        action: Action,
        campaign_id: str | None,
        *,
        durable: bool = True,
        **extra: object,
    ) -> None:
        if self.journal is None:
            return
        fields = {k: v for k, v in extra.items() if v is not None}
        self.journal.record(
            event,
            durable=durable,
            campaign=action.campaign,
            campaign_id=campaign_id,
            action=action.kind.value,
            type=action.type.value,
            **fields,
        )

    # -- the calls (worker threads) ----------------------------------------------------

    def _execute(self, action: Action) -> tuple[Outcome, ApiError | None]:
        began = time.monotonic()
        adopted = False
        campaign_id = action.campaign_id
        answer = None
        try:
            if action.kind is ActionKind.CREATE:
                campaign_id, adopted = self._create(action)
            else:
                assert campaign_id is not None
                answer = self._call(action, campaign_id)
        except ApiError as exc:
            elapsed = time.monotonic() - began
            return Outcome(action, "failed", campaign_id, elapsed, str(exc)), exc
        done = replace(action, campaign_id=campaign_id)
        took = time.monotonic() - began
        return Outcome(done, "done", campaign_id, took, adopted=adopted, answer=answer), None

    def _call(self, action: Action, campaign_id: str) -> Mapping[str, Any] | None:
        c, name, kind = self.client, action.campaign, action.kind
        if kind is ActionKind.STOP:
            c.stop(action.type, campaign_id, campaign=name)
        elif kind is ActionKind.START:
            c.start(action.type, campaign_id, campaign=name)
        elif kind is ActionKind.CLEAR:
            c.clear(action.type, campaign_id, campaign=name)
        elif kind is ActionKind.DELETE:
            c.delete_campaign(action.type, campaign_id, campaign=name)
        elif kind is ActionKind.EDIT:
            return c.edit_campaign(campaign_id, action.params or {}, campaign=name)
        elif kind is ActionKind.SPEED:
            c.set_speed(campaign_id, int((action.params or {})["speed"]), campaign=name)
        else:  # pragma: no cover - the enum is closed
            raise AssertionError(kind)
        return None

    def _create(self, action: Action) -> tuple[str, bool]:
        """The new campaign's id, and whether it was adopted after an ambiguous create."""
        try:
            new_id = self.client.create_campaign(
                action.type, action.params or {}, campaign=action.campaign
            )
        except OutcomeUnknown as exc:
            self._record("ambiguous", action, None, error=str(exc))
            found = find_created(
                self.client, action, exc, self.known_ids, self.recheck_waits, self.stop_event
            )
            self._record("adopted", action, found)
            return found, True
        return new_id, False


def _key(action: Action) -> str:
    """Which campaign an action is on: two pinned entries may share a name, never an id;
    a campaign this run creates is known by its name until its id is filled in."""
    return action.campaign_id or f"name:{action.campaign}"
