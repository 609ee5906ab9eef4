"""desired × live → Plan. Pure: no HTTP, no files, no clock — the same inputs give the same plan.

The rules (issue 4), in the order `make_plan` applies them:

1. Selection: `--target` / `--exclude` globs (fnmatch, case-sensitive) on campaign names pick
   the desired campaigns planned; any of them makes the plan *partial*.
2. Identity: a desired campaign binds to the live campaign with its pinned `id`, else to the
   one live campaign with exactly its name. Two or more with the name, a pinned id that is not
   live, a type that differs, or one live campaign claimed by two desired ones: an error.
3. States: `started` ↔ Started; `stopped` ↔ Stopped; `cleared` ↔ Stopped with 0 records. A
   desired campaign with no live one is created (created campaigns are Stopped, empty) and
   then started when it should be.
4. Drift the API cannot fix (the description): a warning with both values.
5. Unmanaged live campaigns (bound to no desired campaign): `operation.unmanaged` says ignore,
   warn, or stop those Started. Skipped in a partial plan: a plan that looks at some campaigns
   cannot tell which of the others are unmanaged.
6. `protect: true` turns a planned clear into an error.
7. Budget and safety: a warning when `operation.daily_quota` is below what apply will spend,
   and one per threshold apply would refuse without `--force`.
"""

from __future__ import annotations

import fnmatch
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from .client.endpoint import display_endpoint
from .desired import Campaign, Desired, Operation, create_params
from .errors import Location
from .live import LiveCampaign
from .plan import Action, ActionKind, Finding, Fingerprint, Plan, Thresholds
from .vocabulary import CampaignType, DesiredState, LiveStatus

__all__ = [
    "campaign_from_dict",
    "campaign_to_dict",
    "make_plan",
    "operation_dict",
    "selected",
]


def make_plan(
    desired: Desired,
    live: Sequence[LiveCampaign],
    *,
    targets: Sequence[str] = (),
    excludes: Sequence[str] = (),
    thresholds: Thresholds = Thresholds(),  # noqa: B008 - frozen, so a shared default is safe
    endpoint: str | None = None,
) -> Plan:
    """The plan that brings `live` to `desired`. Never raises for a state it cannot fix:
    those become error findings, so that the whole picture is shown at once."""
    # every pin, of the selected campaigns or not: a campaign matched by name must not
    # take a live campaign another manifest entry pins (in a partial plan that other
    # entry is not planned, and its `protect` would not be seen)
    pins = {c.id: c.name for c in desired.campaigns if c.id is not None}
    builder = _Builder(live, pins)
    chosen = [c for c in desired.campaigns if selected(c.name, targets, excludes)]
    for campaign in sorted(chosen, key=lambda c: c.name):
        builder.plan_campaign(campaign)
    partial = bool(targets or excludes)
    if not partial:
        # Bound to a desired campaign outside the selection counts as managed too; with no
        # selection every desired campaign was planned, so `builder.bound` is complete.
        builder.plan_unmanaged(desired.operation)

    plan = Plan(
        actions=tuple(builder.actions),
        warnings=tuple(builder.warnings),
        errors=tuple(builder.errors),
        fingerprints=tuple(sorted(builder.fingerprints, key=lambda f: f.campaign)),
        operation=operation_dict(desired.operation, endpoint),
        desired=tuple(campaign_to_dict(c) for c in desired.campaigns),
        partial=partial,
        targets=tuple(targets),
        excludes=tuple(excludes),
        live_total=len(live),
        live_started=sum(1 for lc in live if lc.status is LiveStatus.STARTED),
    )
    return replace(
        plan,
        warnings=plan.warnings
        + _selection_warnings(desired, targets)
        + _budget_warnings(plan, desired.operation, thresholds),
    )


def _selection_warnings(desired: Desired, targets: Sequence[str]) -> tuple[Finding, ...]:
    """A `--target` that matches no campaign is almost always a typo: say so, rather than
    let "No changes." suggest that everything is in sync."""
    names = [c.name for c in desired.campaigns]
    return tuple(
        Finding(
            kind="target",
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

    def __init__(self, live: Sequence[LiveCampaign], pins: Mapping[str, str]) -> None:
        self.live = live
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
                    "conflict",
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
                    "conflict",
                    f"live campaign {current.campaign_id} is claimed by both {other!r} and "
                    f"{c.name!r}; pin each to its own id",
                    c.name,
                )
            )
            return
        self.bound[current.campaign_id] = c.name
        self.fingerprints.append(Fingerprint(c.name, current.campaign_id, current.fingerprint()))
        if current.type is not c.type:
            self.errors.append(
                Finding(
                    "type-mismatch",
                    f"live campaign {current.campaign_id} is {current.type.value}, the manifest "
                    f"says {c.type.value}; the API cannot change a campaign's type "
                    "(create one under another name, or fix the manifest)",
                    c.name,
                )
            )
            return
        self._drift(c, current)
        self._converge(c, current)

    def _bind(self, c: Campaign) -> LiveCampaign | None:
        """The live campaign `c` is, or None (after planning a create or recording an error)."""
        if c.id is not None:
            pinned = self.by_id.get(c.id)
            if pinned is None:
                self.fingerprints.append(Fingerprint(c.name, None, None))
                self.errors.append(
                    Finding(
                        "id-not-found",
                        f"pinned id {c.id} is not among the {len(self.live)} live campaigns; "
                        "remove `id:` to create the campaign, or fix the id",
                        c.name,
                    )
                )
            return pinned
        matches = self.by_name.get(c.name, [])
        if len(matches) > 1:
            ids = ", ".join(sorted(m.campaign_id for m in matches))
            self.claimed.update(m.campaign_id for m in matches)
            self.errors.append(
                Finding(
                    "duplicate-live-name",
                    f"{len(matches)} live campaigns are named {c.name!r} (ids {ids}); "
                    "add `id:` to the manifest entry to say which one it manages",
                    c.name,
                )
            )
            return None
        if not matches:
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
            )
        )
        # a new campaign is Stopped and empty: only `started` needs another call
        if c.state is DesiredState.STARTED:
            self.actions.append(
                Action(
                    ActionKind.START, c.name, c.type, None, "created by this plan, desired started"
                )
            )

    def _drift(self, c: Campaign, current: LiveCampaign) -> None:
        # the vendor pads empty descriptions with a space (its sample list shows " "), so
        # surrounding whitespace is not drift
        if current.description.strip() != c.description.strip():
            self.warnings.append(
                Finding(
                    "drift",
                    f"description differs and the API cannot update it: live "
                    f"{current.description!r}, manifest {c.description!r}",
                    c.name,
                )
            )
        if current.name != c.name:  # bound by pinned id; there is no rename call
            self.warnings.append(
                Finding(
                    "drift",
                    f"live campaign {current.campaign_id} is named {current.name!r}, the "
                    f"manifest says {c.name!r}; the API cannot rename a campaign",
                    c.name,
                )
            )

    def _converge(self, c: Campaign, current: LiveCampaign) -> None:
        cid = current.campaign_id
        started = current.status is LiveStatus.STARTED
        if c.state is DesiredState.STARTED:
            if not started:
                self._act(ActionKind.START, c, cid, "live Stopped, desired started")
            return
        if started:
            self._act(ActionKind.STOP, c, cid, f"live Started, desired {c.state.value}")
        if c.state is DesiredState.CLEARED and current.records > 0:
            if c.protect:
                self.errors.append(
                    Finding(
                        "protected",
                        f"desired cleared would delete the {current.records} records of live "
                        f"campaign {cid}, but it has `protect: true`; remove `protect` to "
                        "allow it, or change the state",
                        c.name,
                    )
                )
            else:
                self._act(
                    ActionKind.CLEAR, c, cid, f"live {current.records} records, desired cleared"
                )

    def _act(self, kind: ActionKind, c: Campaign, cid: str, reason: str) -> None:
        self.actions.append(Action(kind, c.name, c.type, cid, reason))

    # -- unmanaged campaigns -------------------------------------------------------------

    def plan_unmanaged(self, operation: Operation) -> None:
        policy = operation.unmanaged.value
        for lc in sorted(self.live, key=lambda x: (x.name, x.campaign_id)):
            if lc.campaign_id in self.bound or lc.campaign_id in self.claimed:
                continue
            if policy == "warn":
                self.warnings.append(
                    Finding(
                        "unmanaged",
                        f"live campaign {lc.campaign_id} ({lc.type.value}, {lc.status.value}, "
                        f"{lc.records} records) is in no manifest",
                        lc.name,
                    )
                )
            elif policy == "stop" and lc.status is LiveStatus.STARTED:
                self.fingerprints.append(Fingerprint(lc.name, lc.campaign_id, lc.fingerprint()))
                self.actions.append(
                    Action(
                        ActionKind.STOP,
                        lc.name,
                        lc.type,
                        lc.campaign_id,
                        "unmanaged and live Started, operation.unmanaged is stop",
                    )
                )


def _budget_warnings(
    plan: Plan, operation: Operation, thresholds: Thresholds
) -> tuple[Finding, ...]:
    found = []
    quota = operation.daily_quota
    if quota is not None and plan.api_calls > quota:
        found.append(
            Finding(
                "quota",
                f"apply will make {plan.api_calls} API calls, more than operation.daily_quota "
                f"{quota}; it would run out of tokens part-way",
            )
        )
    for reason in plan.threshold_violations(thresholds):
        found.append(Finding("threshold", f"apply will refuse without --force: {reason}"))
    return tuple(found)


def operation_dict(operation: Operation, endpoint: str | None) -> dict[str, Any]:
    """What a saved plan records of the operation: enough to run again, never the token
    (only the name of the variable holding it) nor credentials in the endpoint URL."""
    return {
        "server": operation.server,
        "token_env": operation.token_env,
        "unmanaged": operation.unmanaged.value,
        "daily_quota": operation.daily_quota,
        "endpoint": _safe_endpoint(endpoint),
    }


def _safe_endpoint(endpoint: str | None) -> str | None:
    return display_endpoint(endpoint)  # userinfo, query and fragment dropped


def campaign_to_dict(c: Campaign) -> dict[str, Any]:
    """A desired campaign as plain JSON data (the saved plan's `desired`)."""
    return {
        "name": c.name,
        "type": c.type.value,
        "state": c.state.value,
        "description": c.description,
        "skill_id": c.skill_id,
        "start_time": c.start_time,
        "end_time": c.end_time,
        "options": dict(c.options),
        "enable_edition": c.enable_edition,
        "protect": c.protect,
        "id": c.id,
        "source": str(c.location),
    }


def campaign_from_dict(data: Mapping[str, Any]) -> Campaign:
    """The inverse of `campaign_to_dict` (apply uses it to re-plan from a saved plan)."""
    return Campaign(
        name=data["name"],
        type=CampaignType(data["type"]),
        state=DesiredState(data["state"]),
        description=data.get("description", ""),
        skill_id=data.get("skill_id", ""),
        start_time=data.get("start_time", ""),
        end_time=data.get("end_time", ""),
        options=dict(data.get("options", {})),
        enable_edition=bool(data.get("enable_edition", False)),
        protect=bool(data.get("protect", False)),
        id=data.get("id"),
        location=Location(data.get("source", "<plan>")),
    )
