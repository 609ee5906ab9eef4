"""Execute a Plan through the client: in plan order, phase by phase, never twice.

The rules a user relies on (issue 5):

- Phases run one after the other (every stop, then clears, creates, starts); inside a
  phase at most `concurrency` calls are in flight (the vendor allows 2 per token).
- The start of a campaign created in this run uses the id its create returned.
- A failed or skipped action skips every later action on the same campaign (a clear after
  a failed stop, the start of a failed create).
- Quota and auth errors halt the run at once; any other failure halts it too unless
  `continue_on_error`. Halting means: no new call starts, in-flight calls finish, what was
  not run is reported as skipped with the reason.
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
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from typing import Literal, Protocol

from ..errors import (
    ApiError,
    AuthError,
    ConfigError,
    OutcomeUnknown,
    PlanError,
    QuotaExhausted,
)
from ..live import LiveCampaign
from ..plan import Action, ActionKind, Plan
from ..vocabulary import CampaignType
from .journal import Journal

__all__ = [
    "DEFAULT_RECHECK_WAITS",
    "ApplyClient",
    "ApplyReport",
    "Outcome",
    "apply_plan",
    "recheck_waits_within",
]

Status = Literal["done", "failed", "skipped"]

#: errors after which no further call can succeed in this run
_FATAL = (QuotaExhausted, AuthError)
#: seconds before each re-read of the list after an ambiguous create (15 s in all)
DEFAULT_RECHECK_WAITS: tuple[float, ...] = (1.0, 2.0, 4.0, 8.0)


def recheck_waits_within(total: float) -> tuple[float, ...]:
    """Waits doubling from 1 s (or from `total`, if less) that add up to `total` seconds:
    15 → (1, 2, 4, 8); 0 → (0,), a single re-read at once."""
    if total <= 0:
        return (0.0,)
    waits: list[float] = []
    step = min(1.0, total)
    while sum(waits) < total:
        waits.append(min(step, total - sum(waits)))
        step *= 2
    return tuple(waits)


class ApplyClient(Protocol):
    """What the applier needs of `client.WolkvoxClient` (and what test fakes implement)."""

    @property
    def calls(self) -> int: ...

    def list_campaigns(self) -> list[LiveCampaign]: ...

    def create_campaign(
        self, type: CampaignType, params: Mapping[str, str], *, campaign: str
    ) -> str: ...

    def start(
        self, type: CampaignType, campaign_id: str, *, campaign: str | None = None
    ) -> None: ...

    def stop(
        self, type: CampaignType, campaign_id: str, *, campaign: str | None = None
    ) -> None: ...

    def clear(
        self,
        type: CampaignType,
        campaign_id: str,
        result: str | None = None,
        *,
        campaign: str | None = None,
    ) -> None: ...


@dataclass(frozen=True)
class Outcome:
    """What became of one planned action. `error` is the failure, or why it was skipped."""

    action: Action
    status: Status
    campaign_id: str | None
    duration: float
    error: str | None = None
    #: the create's answer was lost and its campaign was found in the live list
    adopted: bool = False


@dataclass(frozen=True)
class ApplyReport:
    outcomes: tuple[Outcome, ...]
    api_calls: int
    #: why the run stopped early, or None when every action was tried
    halted: str | None = None
    interrupted: bool = False

    def _with(self, status: Status) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def done(self) -> list[Outcome]:
        return self._with("done")

    @property
    def failed(self) -> list[Outcome]:
        return self._with("failed")

    @property
    def skipped(self) -> list[Outcome]:
        return self._with("skipped")

    @property
    def ok(self) -> bool:
        """Every action done: the live state is now what the plan wanted."""
        return all(o.status == "done" for o in self.outcomes)


def apply_plan(
    plan: Plan,
    client: ApplyClient,
    *,
    concurrency: int = 1,
    continue_on_error: bool = False,
    journal: Journal | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    stop_event: threading.Event | None = None,
    known_ids: Collection[str] | None = None,
    recheck_waits: Sequence[float] = DEFAULT_RECHECK_WAITS,
) -> ApplyReport:
    """Execute `plan` (its actions, in order) and report what became of each.

    `known_ids`: the ids of the live list checked right before executing; a campaign
    found after an ambiguous create is adopted only if its id is not among them.
    `recheck_waits`: the seconds to wait before each re-read of the list after an
    ambiguous create, so that a create committed late, or a list that lags, shows up.
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
        continue_on_error=continue_on_error,
        journal=journal,
        on_outcome=on_outcome,
        stop_event=stop_event or threading.Event(),
        known_ids=frozenset(known_ids or ()),
        recheck_waits=tuple(max(0.0, w) for w in recheck_waits) or (0.0,),
    )
    calls_before = client.calls
    for kind in ActionKind:
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
        continue_on_error: bool,
        journal: Journal | None,
        on_outcome: Callable[[Outcome], None] | None,
        stop_event: threading.Event,
        known_ids: frozenset[str],
        recheck_waits: tuple[float, ...],
    ) -> None:
        self.client = client
        self.concurrency = concurrency
        self.continue_on_error = continue_on_error
        self.journal = journal
        self.on_outcome = on_outcome
        self.stop_event = stop_event
        self.known_ids = known_ids
        self.recheck_waits = recheck_waits
        self.outcomes: dict[int, Outcome] = {}
        self.created: dict[str, str] = {}  # campaign name → id its create returned
        self.broken: dict[str, str] = {}  # campaign name → what went wrong with it
        self.halted: str | None = None
        self._index = 0

    # -- coordination ------------------------------------------------------------------

    def phase(self, actions: list[Action]) -> None:
        pending = list(actions)
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            in_flight: dict[Future[tuple[Outcome, ApiError | None]], int] = {}
            while pending or in_flight:
                while pending and len(in_flight) < self.concurrency:
                    index = self._next_index()
                    action = self._resolve(pending.pop(0))
                    reason = self._skip_reason(action)
                    if reason is not None:
                        self._finish(
                            index, Outcome(action, "skipped", action.campaign_id, 0.0, reason), None
                        )
                        continue
                    self._record("attempt", action, action.campaign_id)
                    in_flight[pool.submit(self._execute, action)] = index
                if not in_flight:
                    break
                # a short timeout keeps the main thread responsive to signals
                finished, _ = wait(in_flight, timeout=0.1, return_when=FIRST_COMPLETED)
                for future in finished:
                    index = in_flight.pop(future)
                    outcome, error = future.result()
                    self._finish(index, outcome, error)

    def _next_index(self) -> int:
        self._index += 1
        return self._index

    def _resolve(self, action: Action) -> Action:
        if action.kind is ActionKind.START and action.campaign_id is None:
            new_id = self.created.get(action.campaign)
            if new_id is not None:
                return replace(action, campaign_id=new_id)
        return action

    def _skip_reason(self, action: Action) -> str | None:
        if action.campaign in self.broken:
            return f"not run: {self.broken[action.campaign]}"
        if self.stop_event.is_set():
            return "not run: interrupted"
        if self.halted is not None:
            return f"not run: {self.halted}"
        if action.campaign_id is None and action.kind is not ActionKind.CREATE:
            return "not run: no campaign id (its create did not run in this apply)"
        return None

    def _finish(self, index: int, outcome: Outcome, error: ApiError | None) -> None:
        action = outcome.action
        self.outcomes[index] = outcome
        if outcome.status == "done" and action.kind is ActionKind.CREATE:
            assert outcome.campaign_id is not None
            self.created[action.campaign] = outcome.campaign_id
        if outcome.status != "done":
            self.broken.setdefault(
                action.campaign, f"the {action.kind.value} of {action.campaign} {outcome.status}"
            )
        if outcome.status == "failed" and self.halted is None:
            what = f"the {action.kind.value} of {action.campaign} failed"
            if isinstance(error, _FATAL):
                self.halted = f"{what} ({type(error).__name__}: nothing else can succeed)"
            elif not self.continue_on_error:
                self.halted = f"{what} (use --continue-on-error to go on with the rest)"
        self._record(
            "outcome",
            action,
            outcome.campaign_id,
            result=outcome.status,
            error=outcome.error,
            duration=round(outcome.duration, 3),
            adopted=outcome.adopted or None,
        )
        if self.on_outcome is not None:
            self.on_outcome(outcome)

    def _record(self, event: str, action: Action, campaign_id: str | None, **extra: object) -> None:
        if self.journal is None:
            return
        fields = {k: v for k, v in extra.items() if v is not None}
        self.journal.record(
            event,
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
        try:
            if action.kind is ActionKind.CREATE:
                campaign_id, adopted = self._create(action)
            else:
                assert campaign_id is not None
                self._call(action, campaign_id)
        except ApiError as exc:
            elapsed = time.monotonic() - began
            return Outcome(action, "failed", campaign_id, elapsed, str(exc)), exc
        done = replace(action, campaign_id=campaign_id)
        return Outcome(done, "done", campaign_id, time.monotonic() - began, adopted=adopted), None

    def _call(self, action: Action, campaign_id: str) -> None:
        c = self.client
        if action.kind is ActionKind.STOP:
            c.stop(action.type, campaign_id, campaign=action.campaign)
        elif action.kind is ActionKind.START:
            c.start(action.type, campaign_id, campaign=action.campaign)
        elif action.kind is ActionKind.CLEAR:
            c.clear(action.type, campaign_id, campaign=action.campaign)
        else:  # pragma: no cover - the enum is closed
            raise AssertionError(action.kind)

    def _create(self, action: Action) -> tuple[str, bool]:
        """The new campaign's id, and whether it was adopted after an ambiguous create."""
        try:
            new_id = self.client.create_campaign(
                action.type, action.params or {}, campaign=action.campaign
            )
        except OutcomeUnknown as exc:
            self._record("ambiguous", action, None, error=str(exc))
            found = self._look_for(action, exc)
            self._record("adopted", action, found)
            return found, True
        return new_id, False

    def _look_for(self, action: Action, unknown: OutcomeUnknown) -> str:
        """The id of the campaign an ambiguous create made; OutcomeUnknown when the list,
        read after each of `recheck_waits`, never shows it (never a second create)."""
        waited = 0.0
        for delay in self.recheck_waits:
            if delay > 0 and self.stop_event.wait(delay):
                break  # interrupted: the next plan will tell
            waited += delay
            try:
                live = self.client.list_campaigns()
            except ApiError as exc:
                # A quota or auth refusal keeps its class: it must halt the run (even with
                # continue_on_error), as it would have had it come from the create itself.
                cls = type(exc) if isinstance(exc, _FATAL) else OutcomeUnknown
                raise cls(
                    f"outcome unknown: {unknown.message}; re-reading the live list to find "
                    f"out failed too ({exc}); not creating again: run `plan` to see whether "
                    "it exists",
                    call="create_campaign",
                    campaign=action.campaign,
                    status_code=exc.status_code if cls is not OutcomeUnknown else None,
                ) from exc
            new = sorted(
                lc.campaign_id
                for lc in live
                if lc.name == action.campaign and lc.campaign_id not in self.known_ids
            )
            if len(new) > 1:
                raise OutcomeUnknown(
                    f"{len(new)} campaigns named {action.campaign!r} appeared (ids "
                    f"{', '.join(new)}); refusing to guess which one is ours",
                    call="create_campaign",
                    campaign=action.campaign,
                )
            if new:
                return new[0]
        last = unknown.message.split("; ")[0]
        raise OutcomeUnknown(
            f"outcome unknown: sent once, no usable answer ({last}); the live list, re-read "
            f"for {waited:g} s, shows no campaign named {action.campaign!r}. Not sending the "
            "create again: the vendor may still show it. Run `plan` in a few minutes: if the "
            "campaign is listed, apply adopts it; if not, apply creates it",
            call=unknown.call,
            campaign=unknown.campaign,
            status_code=unknown.status_code,
        ) from unknown
