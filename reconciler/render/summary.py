"""The words every renderer shares, so text and markdown can never disagree."""

from __future__ import annotations

from ..plan.model import Action, ActionKind, Plan

__all__ = [
    "SUMMARY_ORDER",
    "campaign_id_text",
    "display_order",
    "scope_note",
    "summary_line",
]

#: Terraform's order: what is added first, what is taken away last
SUMMARY_ORDER: tuple[ActionKind, ...] = (
    ActionKind.CREATE,
    ActionKind.EDIT,
    ActionKind.SPEED,
    ActionKind.START,
    ActionKind.STOP,
    ActionKind.CLEAR,
    ActionKind.DELETE,
)
#: always counted in the summary line; the others only when the plan has some
_ALWAYS = (ActionKind.CREATE, ActionKind.START, ActionKind.STOP, ActionKind.CLEAR)
_PHRASE = {ActionKind.SPEED: "to set speed"}


def display_order(plan: Plan) -> list[Action]:
    """The actions as people read them: deletes first (irreversible), then the rest in
    execution order. Apply runs them in `plan.actions` order (stop before delete)."""
    deletes = [a for a in plan.actions if a.kind is ActionKind.DELETE]
    return deletes + [a for a in plan.actions if a.kind is not ActionKind.DELETE]


def summary_line(plan: Plan) -> str:
    """ "Plan: 1 to create, 1 to start, 1 to stop, 1 to clear. 5 API calls." or "No changes." """
    if not plan.has_changes:
        return "No changes."
    counts = plan.summary
    parts = ", ".join(
        f"{counts[kind.value]} {_PHRASE.get(kind, 'to ' + kind.value)}"
        for kind in SUMMARY_ORDER
        if kind in _ALWAYS or counts[kind.value]
    )
    calls = plan.api_calls
    return f"Plan: {parts}. {calls} API call{'s' if calls != 1 else ''}."


def campaign_id_text(action: Action) -> str:
    if action.campaign_id is not None:
        return action.campaign_id
    return "(new)" if action.kind is ActionKind.CREATE else "(known after create)"


def scope_note(plan: Plan) -> str | None:
    """Why a partial plan is partial, or None for a whole one."""
    if not plan.partial:
        return None
    parts = [f"--target {t}" for t in plan.targets] + [f"--exclude {e}" for e in plan.excludes]
    return (
        f"Partial plan ({' '.join(parts)}): other campaigns were not planned and "
        "unmanaged campaigns were not checked."
    )
