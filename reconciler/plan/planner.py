"""desired × live → Plan. Pure: no HTTP, no files, no clock — the same inputs give the same plan.

The rules, in the order `make_plan` applies them:

1. Selection: `--target` / `--exclude` globs (fnmatch, case-sensitive) on campaign names pick
   the desired campaigns planned; any of them makes the plan *partial*.
2. Identity: a desired campaign binds to the live campaign with its pinned `id`, else to the
   one live campaign with exactly its name. Two or more with the name, a pinned id that is not
   live, or one live campaign claimed by two desired ones: an error.
3. States: `started` ↔ Started; `stopped` ↔ Stopped; `cleared` ↔ Stopped with 0 records;
   `absent` ↔ not live (a delete, after a stop when Started). A desired campaign with no
   live one is created (created campaigns are Stopped, empty), given the fields its create
   body cannot carry, then started when it should be.
4. Fields (`fields.py`): an observable field that differs from live, or an unobservable one
   that differs from the last-applied record, is an `edit` (or a `speed`) carrying only
   what changed; a declared field with no record is an `unverifiable` warning (sent only
   with `resend_fields`). A skill the operation does not have is an error (`skills`).
5. Unmanaged live campaigns (bound to no desired campaign): `operation.unmanaged` says ignore,
   warn, or stop those Started. Skipped in a partial plan: a plan that looks at some campaigns
   cannot tell which of the others are unmanaged.
6. `protect: true` turns a planned clear or delete into an error.
7. Budget and safety: a warning when `operation.daily_quota` is below what apply will spend,
   and one per threshold apply would refuse without `--force`.
"""

from __future__ import annotations

import fnmatch
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from typing import Any

from ..client.live import LiveCampaign
from ..manifest.desired import Campaign, Desired, Operation, create_params
from ..vocabulary import DesiredState, LiveStatus
from .diff import FieldDiff, diff_fields, field_actions, post_create_fields
from .model import (
    Action,
    ActionKind,
    ActionReason,
    Finding,
    FindingKind,
    Fingerprint,
    Plan,
    Thresholds,
)
from .skills import check_skills

__all__ = ["make_plan", "selected"]


def make_plan(
    desired: Desired,
    live: Sequence[LiveCampaign],
    *,
    targets: Sequence[str] = (),
    excludes: Sequence[str] = (),
    thresholds: Thresholds = Thresholds(),  # noqa: B008 - frozen, so a shared default is safe
    record: Mapping[str, Mapping[str, Any]] | None = None,
    resend_fields: bool = False,
    skills: Collection[str] | None = None,
) -> Plan:
    """The plan that brings `live` to `desired`. Never raises for a state it cannot fix:
    those become error findings, so that the whole picture is shown at once.

    `record`: the last-applied record (campaign id → fields) of the fields the list cannot
    show. `resend_fields`: send those fields even with no record. `skills`: the operation's
    skill ids (`api=skills`), to refuse an unknown one before apply; None: not checked."""
    # every pin, of the selected campaigns or not: a campaign matched by name must not
    # take a live campaign another manifest entry pins (in a partial plan that other
    # entry is not planned, and its `protect` would not be seen)
    pins = {c.id: c.name for c in desired.campaigns if c.id is not None}
    builder = _Builder(live, pins, record or {}, resend_fields)
    chosen = [c for c in desired.campaigns if selected(c.name, targets, excludes)]
    for campaign in sorted(chosen, key=lambda c: c.name):
        builder.plan_campaign(campaign)
    partial = bool(targets or excludes)
    if not partial:
        # Bound to a desired campaign outside the selection counts as managed too; with no
        # selection every desired campaign was planned, so `builder.bound` is complete.
        builder.plan_unmanaged(desired.operation)

    if skills is not None:
        findings, refused = check_skills(builder.actions, chosen, frozenset(skills))
        builder.errors += [f for f in findings if f.kind is FindingKind.UNKNOWN_SKILL]
        builder.warnings += [f for f in findings if f.kind is not FindingKind.UNKNOWN_SKILL]
        builder.actions = [a for a in builder.actions if a.campaign not in refused]
    plan = Plan(
        actions=tuple(builder.actions),
        warnings=tuple(builder.warnings),
        errors=tuple(builder.errors),
        fingerprints=tuple(sorted(builder.fingerprints, key=lambda f: f.campaign)),
        targets=tuple(targets),
        excludes=tuple(excludes),
        resend_fields=resend_fields,
        live_total=len(live),
        live_started=sum(1 for lc in live if lc.status is LiveStatus.STARTED),
    )
    return replace(
        plan,
        warnings=plan.warnings
        + _selection_warnings(desired, targets)
        + plan.budget_warnings(desired.operation.daily_quota, thresholds),
    )


def _selection_warnings(desired: Desired, targets: Sequence[str]) -> tuple[Finding, ...]:
    """A `--target` that matches no campaign is almost always a typo: say so, rather than
    let "No changes." suggest that everything is in sync."""
    names = [c.name for c in desired.campaigns]
    return tuple(
        Finding(
            kind=FindingKind.TARGET,
            message=f"--target {target!r} matches no campaign in the manifests",
        )
        for target in targets
        if not any(fnmatch.fnmatchcase(name, target) for name in names)
    )


def selected(name: str, targets: Sequence[str], excludes: Sequence[str]) -> bool:
    """Whether `--target` / `--exclude` globs keep campaign `name` (no targets: all)."""
    if targets and not any(fnmatch.fnmatchcase(name, t) for t in targets):
        return False
    return not any(fnmatch.fnmatchcase(name, e) for e in excludes)


class _Builder:
    """Accumulates actions and findings; one instance per `make_plan` call."""

    def __init__(
        self,
        live: Sequence[LiveCampaign],
        pins: Mapping[str, str],
        record: Mapping[str, Mapping[str, Any]],
        resend: bool,
    ) -> None:
        self.live = live
        self.record = record
        self.resend = resend
        #: live campaign id → the desired campaign that pins it with `id:`
        self.pins = pins
        self.by_id: dict[str, LiveCampaign] = {lc.campaign_id: lc for lc in live}
        self.by_name: dict[str, list[LiveCampaign]] = defaultdict(list)
        for lc in live:
            self.by_name[lc.name].append(lc)
        self.actions: list[Action] = []
        self.warnings: list[Finding] = []
        self.errors: list[Finding] = []
        self.fingerprints: list[Fingerprint] = []
        #: live campaign id → the desired campaign name bound to it
        self.bound: dict[str, str] = {}
        #: live ids named by a desired campaign that matched several: not "unmanaged"
        self.claimed: set[str] = set()

    # -- managed campaigns ---------------------------------------------------------------

    def plan_campaign(self, c: Campaign) -> None:
        current = self._bind(c)
        if current is None:
            return
        pinned_by = self.pins.get(current.campaign_id, c.name)
        if c.id is None and pinned_by != c.name:
            self.errors.append(
                Finding(
                    FindingKind.CONFLICT,
                    f"live campaign {current.campaign_id} is named {c.name!r}, but "
                    f"{pinned_by!r} pins it with `id: {current.campaign_id}`; pin "
                    f"{c.name!r} to another id, or rename one of them",
                    c.name,
                )
            )
            return
        if current.campaign_id in self.bound:
            other = self.bound[current.campaign_id]
            self.errors.append(
                Finding(
                    FindingKind.CONFLICT,
                    f"live campaign {current.campaign_id} is claimed by both {other!r} and "
                    f"{c.name!r}; pin each to its own id",
                    c.name,
                )
            )
            return
        self.bound[current.campaign_id] = c.name
        self.fingerprints.append(
            Fingerprint(c.name, current.campaign_id, current.fingerprint(), current)
        )
        if c.state is DesiredState.ABSENT:
            self._delete(c, current)
            return
        self._converge(c, current)
        diff = diff_fields(c, current, self.record.get(current.campaign_id), resend=self.resend)
        self._fields(c, current.campaign_id, current, diff)

    def _bind(self, c: Campaign) -> LiveCampaign | None:
        """The live campaign `c` is, or None (after planning a create or recording an error)."""
        if c.id is not None:
            pinned = self.by_id.get(c.id)
            if pinned is None:
                self.fingerprints.append(Fingerprint(c.name, None, None))
                self.errors.append(
                    Finding(
                        FindingKind.ID_NOT_FOUND,
                        f"pinned id {c.id} is not among the {len(self.live)} live campaigns; "
                        "remove `id:` to create the campaign, or fix the id",
                        c.name,
                    )
                )
            if pinned is None and c.state is DesiredState.ABSENT:
                self.errors.pop()  # absent and not live: already converged
                self.fingerprints.pop()
            return pinned
        matches = self.by_name.get(c.name, [])
        if len(matches) > 1:
            ids = ", ".join(sorted(m.campaign_id for m in matches))
            self.claimed.update(m.campaign_id for m in matches)
            self.errors.append(
                Finding(
                    FindingKind.DUPLICATE_LIVE_NAME,
                    f"{len(matches)} live campaigns are named {c.name!r} (ids {ids}); "
                    "add `id:` to the manifest entry to say which one it manages",
                    c.name,
                )
            )
            return None
        if not matches:
            if c.state is not DesiredState.ABSENT:  # absent and not live: converged
                self._create(c)
            return None
        return matches[0]

    def _create(self, c: Campaign) -> None:
        self.fingerprints.append(Fingerprint(c.name, None, None))
        self.actions.append(
            Action(
                ActionKind.CREATE,
                c.name,
                c.type,
                None,
                f"not live, desired {c.state.value}",
                params=create_params(c),
                why=ActionReason.NOT_LIVE,
            )
        )
        self._fields(c, None, None, post_create_fields(c))
        # a new campaign is Stopped and empty: only `started` needs another call
        if c.state is DesiredState.STARTED:
            self.actions.append(
                Action(
                    ActionKind.START,
                    c.name,
                    c.type,
                    None,
                    "created by this plan, desired started",
                    why=ActionReason.CREATED_BY_PLAN,
                )
            )

    def _fields(
        self, c: Campaign, cid: str | None, current: LiveCampaign | None, diff: FieldDiff
    ) -> None:
        actions, warnings = field_actions(c, cid, current, diff)
        self.actions += actions
        self.warnings += warnings

    def _delete(self, c: Campaign, current: LiveCampaign) -> None:
        cid = current.campaign_id
        if c.protect:
            self.errors.append(
                Finding(
                    FindingKind.PROTECTED,
                    f"desired absent would delete live campaign {cid} and its "
                    f"{current.records} records, but it has `protect: true`; remove "
                    "`protect` to allow it, or change the state",
                    c.name,
                )
            )
            return
        if current.status is LiveStatus.STARTED:
            self._act(
                ActionKind.STOP,
                c,
                cid,
                "live Started, desired absent",
                ActionReason.ABSENT,
                current=current,
            )
        self._act(
            ActionKind.DELETE,
            c,
            cid,
            f"desired absent; irreversible: the campaign and its {current.records} records "
            "are deleted",
            current=current,
            why=ActionReason.ABSENT,
        )

    def _converge(self, c: Campaign, current: LiveCampaign) -> None:
        cid = current.campaign_id
        started = current.status is LiveStatus.STARTED
        if c.state is DesiredState.STARTED:
            if not started:
                self._act(ActionKind.START, c, cid, "live Stopped, desired started")
            return
        if started:
            reason = f"live Started, desired {c.state.value}"
            self._act(ActionKind.STOP, c, cid, reason, current=current)
        if c.state is DesiredState.CLEARED and current.records > 0:
            if c.protect:
                self.errors.append(
                    Finding(
                        FindingKind.PROTECTED,
                        f"desired cleared would delete the {current.records} records of live "
                        f"campaign {cid}, but it has `protect: true`; remove `protect` to "
                        "allow it, or change the state",
                        c.name,
                    )
                )
            else:
                self._act(
                    ActionKind.CLEAR,
                    c,
                    cid,
                    f"live {current.records} records, desired cleared",
                    ActionReason.RECORDS,
                    current=current,
                )

    def _act(
        self,
        kind: ActionKind,
        c: Campaign,
        cid: str,
        reason: str,
        why: ActionReason = ActionReason.STATE,
        *,
        current: LiveCampaign | None = None,
    ) -> None:
        """A call on `c`; under the live type for what runs before an edit (stop, clear,
        delete), under the desired one for what runs after it (start)."""
        ctype = current.type if current is not None else c.type
        self.actions.append(Action(kind, c.name, ctype, cid, reason, why=why))

    # -- unmanaged campaigns -------------------------------------------------------------

    def plan_unmanaged(self, operation: Operation) -> None:
        policy = operation.unmanaged.value
        for lc in sorted(self.live, key=lambda x: (x.name, x.campaign_id)):
            if lc.campaign_id in self.bound or lc.campaign_id in self.claimed:
                continue
            if policy == "warn":
                self.warnings.append(
                    Finding(
                        FindingKind.UNMANAGED,
                        f"live campaign {lc.campaign_id} ({lc.type.value}, {lc.status.value}, "
                        f"{lc.records} records) is in no manifest",
                        lc.name,
                    )
                )
            elif policy == "stop" and lc.status is LiveStatus.STARTED:
                self.fingerprints.append(Fingerprint(lc.name, lc.campaign_id, lc.fingerprint(), lc))
                self.actions.append(
                    Action(
                        ActionKind.STOP,
                        lc.name,
                        lc.type,
                        lc.campaign_id,
                        "unmanaged and live Started, operation.unmanaged is stop",
                        why=ActionReason.UNMANAGED,
                    )
                )
