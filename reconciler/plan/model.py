"""The Plan: ordered Actions plus the findings that came with them, and its own safety.

The planner (`planner.py`) builds a Plan from desired × live; renderers (`render/`) print
it; the applier (`applier.py`) executes it. The order of `Plan.actions` *is* the execution
order: the constructor sorts by phase (stop, clear, create, start), then by campaign name.
`to_dict()` / `from_dict()` are the plan's part of the saved-plan document
(`schemas/plan.schema.json`); the operation, endpoint and manifests it was made from are the
saved plan's own (`planfile.SavedPlan`). Neither ever holds the token.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ..errors import PlanError, UnsafePlan
from ..fields import SEEN
from ..vocabulary import CampaignType
from .safety import Thresholds

__all__ = [
    "DELETE_BATCH",
    "FORMAT_VERSION",
    "Action",
    "ActionKind",
    "ActionReason",
    "Finding",
    "FindingKind",
    "Fingerprint",
    "Plan",
    "Thresholds",
]

FORMAT_VERSION = 2


#: how many campaigns of one type a delete call names (the collection's bulk form)
DELETE_BATCH = 50


class ActionKind(str, Enum):
    """A closed set; the declaration order is the execution order of the phases, each call
    valid when sent: a campaign is stopped before it is deleted or cleared, cleared (under
    its live type) before an edit may change its type, created before its own edits, and
    edited before it is started."""

    STOP = "stop"
    DELETE = "delete"
    CLEAR = "clear"
    CREATE = "create"
    EDIT = "edit"
    SPEED = "speed"
    START = "start"

    @property
    def phase(self) -> int:
        return list(ActionKind).index(self)

    @property
    def symbol(self) -> str:
        return _SYMBOLS[self.value]


_SYMBOLS = {
    "stop": "~",
    "delete": "-",
    "clear": "-",
    "create": "+",
    "edit": "~",
    "speed": "~",
    "start": "~",
}


class ActionReason(str, Enum):
    """Why the planner chose an action (Terraform's `ActionReason`): a closed set."""

    NOT_LIVE = "not-live"  # create: no live campaign is this one
    CREATED_BY_PLAN = "created-by-plan"  # start: of a campaign this plan creates
    STATE = "state"  # start / stop: live status differs from the desired state
    RECORDS = "records"  # clear: desired cleared, live has records
    UNMANAGED = "unmanaged"  # stop: in no manifest, and operation.unmanaged is stop
    FIELDS = "fields"  # edit / speed: a managed field differs from live or the record
    RESEND = "resend"  # edit: fields the list cannot show, sent again on request
    ABSENT = "absent"  # delete (and the stop before it): desired absent


class FindingKind(str, Enum):
    """The machine-readable kind of a warning or an error (shown in brackets)."""

    UNMANAGED = "unmanaged"
    DUPLICATE_LIVE_NAME = "duplicate-live-name"
    PROTECTED = "protected"
    UNKNOWN_SKILL = "unknown-skill"
    SKILLS_UNVERIFIED = "skills-unverified"  # no skills list to check a skill_id against
    QUOTA = "quota"
    THRESHOLD = "threshold"
    TARGET = "target"
    ID_NOT_FOUND = "id-not-found"
    CONFLICT = "conflict"  # one live campaign claimed by two desired ones
    NOT_YET_LISTED = "not-yet-listed"  # created (the state has its id), the list lags
    BOUND_NOT_LIVE = "bound-not-live"  # the state binds an id the list does not show


@dataclass(frozen=True, slots=True)
class Action:
    """One API call apply will make. `campaign_id` is None for a create, and for the start
    of a campaign this run creates (apply fills it from the create's answer)."""

    kind: ActionKind
    campaign: str
    type: CampaignType
    campaign_id: str | None
    reason: str  # for people: what the planner saw ("live Stopped, desired started")
    params: Mapping[str, Any] | None = None  # the exact body: create, edit, speed
    why: ActionReason = ActionReason.STATE
    #: edit / speed: (field, before, after) as shown, e.g. ("speed", "live 1", "40")
    changes: tuple[tuple[str, str, str], ...] = ()

    @property
    def sort_key(self) -> tuple[int, str, str]:
        return (self.kind.phase, self.campaign, self.campaign_id or "")

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "action": self.kind.value,
            "campaign": self.campaign,
            "type": self.type.value,
            "campaign_id": self.campaign_id,
            "reason": self.reason,
            "why": self.why.value,
        }
        if self.params is not None:
            data["params"] = dict(self.params)
        if self.changes:
            data["changes"] = [
                {"field": f, "before": before, "after": after} for f, before, after in self.changes
            ]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Action:
        params = data.get("params")
        return cls(
            kind=ActionKind(data["action"]),
            campaign=data["campaign"],
            type=CampaignType(data["type"]),
            campaign_id=data["campaign_id"],
            reason=data["reason"],
            params=dict(params) if params is not None else None,
            why=ActionReason(data.get("why", ActionReason.STATE.value)),
            changes=tuple((c["field"], c["before"], c["after"]) for c in data.get("changes", ())),
        )

    def identity(self) -> tuple[str, str, str, str | None, str | None]:
        """What makes two plans' actions the same call: kind, campaign, type, id, body."""
        body = json.dumps(self.params, sort_keys=True) if self.params is not None else None
        return (self.kind.value, self.campaign, self.type.value, self.campaign_id, body)


@dataclass(frozen=True)
class Finding:
    """A warning or an error of the plan."""

    kind: FindingKind
    message: str
    campaign: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"campaign": self.campaign, "kind": self.kind.value, "message": self.message}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        return cls(
            kind=FindingKind(data["kind"]), message=data["message"], campaign=data.get("campaign")
        )


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What the plan saw of one campaign it manages: its live id and digest, or None for
    both when the campaign did not exist live (it is to be created); `seen`, the facts
    the digest covers, to explain a change."""

    campaign: str
    campaign_id: str | None
    digest: str | None
    #: the facts as a mapping (read from a saved plan), or anything with `facts()` (the
    #: live campaign itself, while planning: no copy is made until the plan is saved)
    seen: Any = field(default=None, compare=False)

    def facts(self) -> Mapping[str, Any] | None:
        if self.seen is None or isinstance(self.seen, Mapping):
            return self.seen
        facts: Mapping[str, Any] = self.seen.facts()
        return facts

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "campaign": self.campaign,
            "campaign_id": self.campaign_id,
            "digest": self.digest,
        }
        seen_list = getattr(self.seen, "seen", None)  # the live campaign: its list at once
        if seen_list is not None:
            data["seen"] = seen_list()
        else:
            facts = self.facts()
            if facts is not None:  # a list in a fixed order: 100,000 of them add up
                data["seen"] = [facts.get(name) for name in SEEN]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Fingerprint:
        seen = data.get("seen")
        facts = None
        if isinstance(seen, list) and len(seen) == len(SEEN):
            facts = {k: v for k, v in zip(SEEN, seen, strict=True) if v is not None}
        return cls(data["campaign"], data["campaign_id"], data["digest"], facts)


@dataclass(frozen=True)
class Plan:
    actions: tuple[Action, ...]
    warnings: tuple[Finding, ...] = ()
    errors: tuple[Finding, ...] = ()
    fingerprints: tuple[Fingerprint, ...] = ()
    targets: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    #: sent the fields the list cannot show even where no record says they differ
    resend_fields: bool = False
    live_total: int = 0
    live_started: int = 0

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.actions, key=lambda a: a.sort_key))
        object.__setattr__(self, "actions", ordered)

    # -- facts -------------------------------------------------------------------------

    @property
    def partial(self) -> bool:
        """A `--target` / `--exclude` selection: only some campaigns were planned."""
        return bool(self.targets or self.excludes)

    @property
    def has_changes(self) -> bool:
        return bool(self.actions)

    @property
    def api_calls(self) -> int:
        """What apply will spend: the refresh list and the quota check (`token_info`),
        then one call per action, deletes `DELETE_BATCH` of a type at a time."""
        return 2 + self.action_calls(DELETE_BATCH)

    def action_calls(self, delete_batch: int) -> int:
        """The calls the actions take, deleting `delete_batch` campaigns per call (1: each
        in a call of its own); a bulk delete that is not answered cleanly costs one more
        list call to see which are gone."""
        deletes: dict[CampaignType, int] = {}
        for action in self.actions:
            if action.kind is ActionKind.DELETE:
                deletes[action.type] = deletes.get(action.type, 0) + 1
        batches = sum(-(-n // max(1, delete_batch)) for n in deletes.values())
        return len(self.actions) - sum(deletes.values()) + batches

    @property
    def summary(self) -> dict[str, int]:
        counts = {kind.value: 0 for kind in ActionKind}
        for action in self.actions:
            counts[action.kind.value] += 1
        return counts

    def of_kind(self, kind: ActionKind) -> list[Action]:
        return [a for a in self.actions if a.kind is kind]

    # -- safety ------------------------------------------------------------------------

    def threshold_violations(self, thresholds: Thresholds) -> list[str]:
        """Why apply would refuse this plan without `--force` (empty when safe)."""
        reasons = []
        clears = len(self.of_kind(ActionKind.CLEAR))
        if clears > thresholds.max_clears:
            reasons.append(
                f"the plan clears the records of {clears} campaigns "
                f"(more than --max-clears {thresholds.max_clears})"
            )
        deletes = len(self.of_kind(ActionKind.DELETE))
        if deletes > thresholds.max_deletes:
            reasons.append(
                f"the plan deletes {deletes} campaign{'s' if deletes != 1 else ''} "
                f"(more than --max-deletes {thresholds.max_deletes})"
            )
        stops = len(self.of_kind(ActionKind.STOP))
        if self.live_total >= thresholds.min_campaigns and self.live_started:
            pct = 100.0 * stops / self.live_started
            if pct > thresholds.max_stop_pct:
                reasons.append(
                    f"the plan stops {stops} of {self.live_started} started campaigns "
                    f"({pct:.0f} %, more than --max-stop-pct {thresholds.max_stop_pct:g})"
                )
        return reasons

    def budget_warnings(
        self, daily_quota: int | None, thresholds: Thresholds
    ) -> tuple[Finding, ...]:
        """A `quota` warning when apply would spend more than `operation.daily_quota`, and
        a `threshold` warning per limit apply would refuse without `--force`."""
        found = []
        if daily_quota is not None and self.api_calls > daily_quota:
            found.append(
                Finding(
                    FindingKind.QUOTA,
                    f"apply will make {self.api_calls} API calls, more than "
                    f"operation.daily_quota {daily_quota}; it would run out of tokens part-way",
                )
            )
        for reason in self.threshold_violations(thresholds):
            found.append(
                Finding(FindingKind.THRESHOLD, f"apply will refuse without approval: {reason}")
            )
        if found and found[-1].kind is FindingKind.THRESHOLD:
            from .approval import approval_hint

            found.append(Finding(FindingKind.THRESHOLD, approval_hint(self, thresholds) or ""))
        return tuple(found)

    def check_safety(
        self, thresholds: Thresholds, *, force: bool = False, approved: Collection[str] = ()
    ) -> None:
        """Refuses a plan with errors, or past the thresholds unless forced or approved
        (`approved`: digests a reviewer approved, see approval.py)."""
        if self.errors:
            raise PlanError(
                "the plan has errors and cannot be applied:\n"
                + "\n".join(f"  {e.campaign or '-'}: {e.message}" for e in self.errors)
            )
        reasons = self.threshold_violations(thresholds)
        if reasons and not force:
            from .approval import approval_hint, is_approved

            if not is_approved(self, approved):
                raise UnsafePlan([*reasons, approval_hint(self, thresholds) or ""])

    # -- the saved form ----------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The plan's part of the saved document (`planfile` adds the rest)."""
        return {
            "partial": self.partial,
            "targets": list(self.targets),
            "excludes": list(self.excludes),
            "resend_fields": self.resend_fields,
            "actions": [a.to_dict() for a in self.actions],
            "warnings": [w.to_dict() for w in self.warnings],
            "errors": [e.to_dict() for e in self.errors],
            "summary": self.summary,
            "api_calls": self.api_calls,
            "live": {"total": self.live_total, "started": self.live_started},
            "fingerprints": [f.to_dict() for f in self.fingerprints],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Plan:
        """The plan of a schema-checked document (every key below is required there)."""
        live = data["live"]
        return cls(
            actions=tuple(Action.from_dict(a) for a in data["actions"]),
            warnings=tuple(Finding.from_dict(w) for w in data["warnings"]),
            errors=tuple(Finding.from_dict(e) for e in data["errors"]),
            fingerprints=tuple(Fingerprint.from_dict(f) for f in data["fingerprints"]),
            targets=tuple(data["targets"]),
            excludes=tuple(data["excludes"]),
            resend_fields=bool(data["resend_fields"]),
            live_total=int(live["total"]),
            live_started=int(live["started"]),
        )
