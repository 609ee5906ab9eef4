"""States: the calls that bring one campaign from its live state to its desired one.

`started` ↔ Started; `stopped` ↔ Stopped; `cleared` ↔ Stopped with 0 records; `absent` ↔
not live (a delete, after a stop when Started). A desired campaign with no live one is
created (created campaigns are Stopped, empty), given the fields its create body cannot
carry, then started when it should be. `protect: true` turns a clear or delete into an
error. Every destructive call's reason names the live campaign it hits. Live campaigns no
desired one is bound to follow `operation.unmanaged`: ignore, warn, or stop the Started.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from ..client.live import LiveCampaign
from ..manifest.desired import Campaign, create_params
from ..vocabulary import DesiredState, LiveStatus, Unmanaged
from .binding import Findings
from .diff import field_actions, post_create_fields
from .model import Action, ActionKind, ActionReason, Finding, FindingKind, Fingerprint

__all__ = ["converge", "create", "delete", "hit", "unmanaged"]


def hit(live: LiveCampaign) -> str:
    """The live campaign a destructive call hits, as its line shows it."""
    return (
        f"live campaign {live.name!r} (id {live.campaign_id}, {live.status.value}, "
        f"{live.records} records)"
    )


def create(c: Campaign) -> list[Action]:
    """The create, the fields its body cannot carry, and the start when desired."""
    actions = [
        Action(
            ActionKind.CREATE,
            c.name,
            c.type,
            None,
            f"not live, desired {c.state.value}",
            params=create_params(c),
            why=ActionReason.NOT_LIVE,
        )
    ]
    actions += field_actions(c, None, None, post_create_fields(c))
    # a new campaign is Stopped and empty: only `started` needs another call
    if c.state is DesiredState.STARTED:
        actions.append(
            Action(
                ActionKind.START,
                c.name,
                c.type,
                None,
                "created by this plan, desired started",
                why=ActionReason.CREATED_BY_PLAN,
            )
        )
    return actions


def delete(c: Campaign, current: LiveCampaign, found: Findings) -> list[Action]:
    """Desired absent: a delete (after a stop when Started), unless protected."""
    if c.protect:
        found.error(
            FindingKind.PROTECTED,
            f"desired absent would delete {hit(current)}, but it has `protect: true`; "
            "remove `protect` to allow it, or change the state",
            c.name,
        )
        return []
    actions = []
    if current.status is LiveStatus.STARTED:
        actions.append(_act(ActionKind.STOP, c, current, f"desired absent; stops {hit(current)}"))
    actions.append(
        _act(
            ActionKind.DELETE,
            c,
            current,
            f"desired absent; irreversible: deletes {hit(current)}",
            ActionReason.ABSENT,
        )
    )
    return actions


def converge(c: Campaign, current: LiveCampaign, found: Findings) -> list[Action]:
    """Start, stop and clear (a desired campaign that exists and should)."""
    started = current.status is LiveStatus.STARTED
    if c.state is DesiredState.STARTED:
        if started:
            return []
        return [
            Action(
                ActionKind.START,
                c.name,
                c.type,  # it runs after an edit of the type, if any
                current.campaign_id,
                "live Stopped, desired started",
            )
        ]
    actions = []
    if started:
        reason = f"desired {c.state.value}; stops {hit(current)}"
        actions.append(_act(ActionKind.STOP, c, current, reason, ActionReason.STATE))
    if c.state is DesiredState.CLEARED and current.records > 0:
        if c.protect:
            found.error(
                FindingKind.PROTECTED,
                f"desired cleared would delete the records of {hit(current)}, but it has "
                "`protect: true`; remove `protect` to allow it, or change the state",
                c.name,
            )
        else:
            reason = f"desired cleared; deletes the records of {hit(current)}"
            actions.append(_act(ActionKind.CLEAR, c, current, reason, ActionReason.RECORDS))
    return actions


def _act(
    kind: ActionKind,
    c: Campaign,
    current: LiveCampaign,
    reason: str,
    why: ActionReason = ActionReason.ABSENT,
) -> Action:
    """A call that runs before any edit (stop, clear, delete): under the live type."""
    return Action(kind, c.name, current.type, current.campaign_id, reason, why=why)


def unmanaged(
    live: Sequence[LiveCampaign], policy: Unmanaged, managed: Collection[str], found: Findings
) -> list[Action]:
    """What `operation.unmanaged` does with the live campaigns not in `managed` (ids)."""
    actions: list[Action] = []
    if policy is Unmanaged.IGNORE:
        return actions
    others = [lc for lc in live if lc.campaign_id not in managed]
    for lc in sorted(others, key=lambda x: (x.name, x.campaign_id)):
        if policy is Unmanaged.WARN:
            found.warnings.append(
                Finding(
                    FindingKind.UNMANAGED,
                    f"live campaign {lc.campaign_id} ({lc.type.value}, {lc.status.value}, "
                    f"{lc.records} records) is in no manifest",
                    lc.name,
                )
            )
        elif policy is Unmanaged.STOP and lc.status is LiveStatus.STARTED:
            found.fingerprints.append(Fingerprint(lc.name, lc.campaign_id, lc.fingerprint(), lc))
            actions.append(
                Action(
                    ActionKind.STOP,
                    lc.name,
                    lc.type,
                    lc.campaign_id,
                    f"unmanaged, operation.unmanaged is stop; stops {hit(lc)}",
                    why=ActionReason.UNMANAGED,
                )
            )
    return actions
