"""desired × live → Plan. Pure: no HTTP, no files, no clock — the same inputs give the same plan.

The steps, in the order `make_plan` takes them, each in its own module:

1. Selection: `--target` / `--exclude` globs (fnmatch, case-sensitive) on campaign names pick
   the desired campaigns planned; any of them makes the plan *partial*.
2. Identity (`binding.py`): the live campaign each desired one is — by the state's
   binding, a pinned `id`, or its name.
3. States (`convergence.py`): create, start, stop, clear, delete; `protect: true` turns a
   clear or delete into an error.
4. Fields (`diff.py`): an observable field that differs from live, or an unobservable one
   that differs from the last-applied record or has none, is an `edit` (or a `speed`)
   carrying only what changed; `resend_fields` sends every declared unobservable field.
5. Skills (`skills.py`): a skill the operation does not have is an error.
6. Unmanaged live campaigns (bound to no desired campaign): `operation.unmanaged` says
   ignore, warn, or stop those Started. Skipped in a partial plan: a plan that looks at
   some campaigns cannot tell which of the others are unmanaged.
7. Budget and safety: a warning when `operation.daily_quota` is below what apply will spend,
   and one per threshold apply would refuse without `--force`.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from typing import Any

from ..client.live import LiveCampaign
from ..manifest.desired import Desired
from ..state.model import Binding
from ..vocabulary import DesiredState, LiveStatus
from .binding import CREATE, Binder, Findings
from .convergence import converge, create, delete, unmanaged
from .diff import diff_fields, field_actions
from .model import Action, Finding, FindingKind, Plan, Thresholds
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
    bindings: Mapping[str, Binding] | None = None,
) -> Plan:
    """The plan that brings `live` to `desired`. Never raises for a state it cannot fix:
    those become error findings, so that the whole picture is shown at once.

    `record`: the last-applied record (campaign id → fields) of the fields the list cannot
    show. `resend_fields`: send those fields even where the record has them. `skills`: the
    operation's skill ids (`api=skills`), to refuse an unknown one before apply; None: not
    checked. `bindings`: the state's name → id bindings."""
    found = Findings()
    binder = Binder(live, desired.campaigns, bindings or {}, found)
    actions: list[Action] = []
    chosen = [c for c in desired.campaigns if selected(c.name, targets, excludes)]
    for c in sorted(chosen, key=lambda c: c.name):
        current = binder.bind(c)
        if current == CREATE:
            actions += create(c)
        elif not isinstance(current, LiveCampaign):
            continue
        elif c.state is DesiredState.ABSENT:
            actions += delete(c, current, found)
        else:
            actions += converge(c, current, found)
            known = (record or {}).get(current.campaign_id)
            diff = diff_fields(c, current, known, resend=resend_fields)
            actions += field_actions(c, current.campaign_id, current, diff)
    if not targets and not excludes:
        # Bound to a desired campaign outside the selection counts as managed too; with no
        # selection every desired campaign was planned, so `binder.bound` is complete.
        managed = binder.bound.keys() | binder.claimed
        actions += unmanaged(live, desired.operation.unmanaged, managed, found)

    if skills is not None:
        findings, refused = check_skills(actions, chosen, frozenset(skills))
        found.errors += [f for f in findings if f.kind is FindingKind.UNKNOWN_SKILL]
        found.warnings += [f for f in findings if f.kind is not FindingKind.UNKNOWN_SKILL]
        actions = [a for a in actions if a.campaign not in refused]
    plan = Plan(
        actions=tuple(actions),
        warnings=tuple(found.warnings),
        errors=tuple(found.errors),
        fingerprints=tuple(sorted(found.fingerprints, key=lambda f: f.campaign)),
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
