"""The Plan: ordered Actions plus the findings that came with them, and its own safety.

The planner (`planner.py`) builds a Plan from desired × live; renderers (`render/`) print
it; the applier (`applier.py`) executes it. The order of `Plan.actions` *is* the execution
order: the constructor sorts by phase (stop, clear, create, start), then by campaign name.
`to_dict()` / `from_dict()` are the saved-plan format (`schemas/plan.schema.json`); it
never holds the token.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from .errors import PlanError, UnsafePlan
from .vocabulary import CampaignType

__all__ = [
    "FORMAT_VERSION",
    "Action",
    "ActionKind",
    "Finding",
    "Fingerprint",
    "Plan",
    "Thresholds",
]

FORMAT_VERSION = 1


class ActionKind(str, Enum):
    """A closed set; the declaration order is the execution order of the phases."""

    STOP = "stop"
    CLEAR = "clear"
    CREATE = "create"
    START = "start"

    @property
    def phase(self) -> int:
        return list(ActionKind).index(self)

    @property
    def symbol(self) -> str:
        return {"stop": "~", "clear": "-", "create": "+", "start": "~"}[self.value]


@dataclass(frozen=True)
class Action:
    """One API call apply will make. `campaign_id` is None for a create, and for the start
    of a campaign this run creates (apply fills it from the create's answer)."""

    kind: ActionKind
    campaign: str
    type: CampaignType
    campaign_id: str | None
    reason: str
    params: Mapping[str, str] | None = None  # the exact create body; create only

    @property
    def sort_key(self) -> tuple[int, str, str]:
        return (self.kind.phase, self.campaign, self.campaign_id or "")

    def depends_on(self, other: Action) -> bool:
        """The start of a campaign created in this run depends on that create."""
        return (
            self.kind is ActionKind.START
            and self.campaign_id is None
            and other.kind is ActionKind.CREATE
            and other.campaign == self.campaign
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "action": self.kind.value,
            "campaign": self.campaign,
            "type": self.type.value,
            "campaign_id": self.campaign_id,
            "reason": self.reason,
        }
        if self.params is not None:
            data["params"] = dict(self.params)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Action:
        params = data.get("params")
        return cls(
            kind=ActionKind(data["action"]),
            campaign=data["campaign"],
            type=CampaignType(data["type"]),
            campaign_id=data.get("campaign_id"),
            reason=data.get("reason", ""),
            params=dict(params) if params is not None else None,
        )


@dataclass(frozen=True)
class Finding:
    """A warning or an error of the plan. `kind` is a stable, machine-readable word:
    drift, unmanaged, duplicate-live-name, type-mismatch, protected, quota, threshold, target,
    id-not-found, conflict (one live campaign claimed by two desired ones)."""

    kind: str
    message: str
    campaign: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"campaign": self.campaign, "kind": self.kind, "message": self.message}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        return cls(kind=data["kind"], message=data["message"], campaign=data.get("campaign"))


@dataclass(frozen=True)
class Fingerprint:
    """What the plan saw of one campaign it manages: its live id and digest, or None for
    both when the campaign did not exist live (it is to be created)."""

    campaign: str
    campaign_id: str | None
    digest: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"campaign": self.campaign, "campaign_id": self.campaign_id, "digest": self.digest}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Fingerprint:
        return cls(data["campaign"], data.get("campaign_id"), data.get("digest"))


@dataclass(frozen=True)
class Thresholds:
    """octoDNS-style safety limits; apply refuses past them unless forced.

    `max_stop_pct` applies only once the operation has at least `min_campaigns` live
    campaigns, so that stopping 1 of 2 does not count as "50 %"."""

    max_clears: int = 5
    max_stop_pct: float = 30.0
    min_campaigns: int = 10


@dataclass(frozen=True)
class Plan:
    actions: tuple[Action, ...]
    warnings: tuple[Finding, ...] = ()
    errors: tuple[Finding, ...] = ()
    fingerprints: tuple[Fingerprint, ...] = ()
    #: the operation, as the saved plan needs it to run again: server, token_env,
    #: unmanaged, daily_quota, endpoint (scheme+host; never the token)
    operation: Mapping[str, Any] = field(default_factory=dict)
    #: the desired campaigns, as plain dicts (name, type, state, …)
    desired: tuple[Mapping[str, Any], ...] = ()
    partial: bool = False
    targets: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    live_total: int = 0
    live_started: int = 0

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.actions, key=lambda a: a.sort_key))
        object.__setattr__(self, "actions", ordered)

    # -- facts -------------------------------------------------------------------------

    @property
    def has_changes(self) -> bool:
        return bool(self.actions)

    @property
    def applyable(self) -> bool:
        return not self.errors

    @property
    def api_calls(self) -> int:
        """What apply will spend: the refresh list, then one call per action."""
        return 1 + len(self.actions)

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
        stops = len(self.of_kind(ActionKind.STOP))
        if self.live_total >= thresholds.min_campaigns and self.live_started:
            pct = 100.0 * stops / self.live_started
            if pct > thresholds.max_stop_pct:
                reasons.append(
                    f"the plan stops {stops} of {self.live_started} started campaigns "
                    f"({pct:.0f} %, more than --max-stop-pct {thresholds.max_stop_pct:g})"
                )
        return reasons

    def check_safety(self, thresholds: Thresholds, *, force: bool = False) -> None:
        if self.errors:
            raise PlanError(
                "the plan has errors and cannot be applied:\n"
                + "\n".join(f"  {e.campaign or '-'}: {e.message}" for e in self.errors)
            )
        reasons = self.threshold_violations(thresholds)
        if reasons and not force:
            raise UnsafePlan("unsafe plan (use --force to apply anyway): " + "; ".join(reasons))

    # -- the saved form ----------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "operation": dict(self.operation),
            "partial": self.partial,
            "targets": list(self.targets),
            "excludes": list(self.excludes),
            "actions": [a.to_dict() for a in self.actions],
            "warnings": [w.to_dict() for w in self.warnings],
            "errors": [e.to_dict() for e in self.errors],
            "summary": self.summary,
            "api_calls": self.api_calls,
            "live": {"total": self.live_total, "started": self.live_started},
            "fingerprints": [f.to_dict() for f in self.fingerprints],
            "desired": [dict(d) for d in self.desired],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Plan:
        if data.get("format_version") != FORMAT_VERSION:
            raise PlanError(
                f"unsupported plan format_version {data.get('format_version')!r} "
                f"(this version reads {FORMAT_VERSION})"
            )
        live = data.get("live", {})
        return cls(
            actions=tuple(Action.from_dict(a) for a in data["actions"]),
            warnings=tuple(Finding.from_dict(w) for w in data.get("warnings", [])),
            errors=tuple(Finding.from_dict(e) for e in data.get("errors", [])),
            fingerprints=tuple(Fingerprint.from_dict(f) for f in data.get("fingerprints", [])),
            operation=dict(data.get("operation", {})),
            desired=tuple(dict(d) for d in data.get("desired", [])),
            partial=bool(data.get("partial", False)),
            targets=tuple(data.get("targets", [])),
            excludes=tuple(data.get("excludes", [])),
            live_total=int(live.get("total", 0)),
            live_started=int(live.get("started", 0)),
        )
