"""Is a saved plan still what planning produces, for the same operation? The comparisons
`apply --plan` makes before it executes anything."""

from __future__ import annotations

import difflib

from ..errors import ConfigError, PlanMismatch
from ..plan.model import Action, Plan
from .target import Target

__all__ = ["check_identity", "plan_differences", "shown_target"]


def plan_differences(saved: Plan, fresh: Plan) -> list[str]:
    """How the actions of `saved` differ from `fresh` (kind, campaign, type, id, body,
    order), one line per action; empty when they are the same calls in the same order."""
    before = [a.identity() for a in saved.actions]
    after = [a.identity() for a in fresh.actions]
    if before == after:
        return []
    lines = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        lines += [f"in the file, not planned now: {_describe(a)}" for a in saved.actions[i1:i2]]
        lines += [f"planned now, not in the file: {_describe(a)}" for a in fresh.actions[j1:j2]]
    return lines


def _describe(action: Action) -> str:
    where = f"id {action.campaign_id}" if action.campaign_id else "new"
    body = f" (with its {action.kind.value} body)" if action.params is not None else ""
    return f"{action.kind.value} {action.campaign!r} [{action.type.value}, {where}]{body}"


def check_identity(
    token_env: str, endpoint: str | None, server: str | None, target: Target
) -> None:
    """The endpoint and token variable come from the manifests, the command line or the
    environment, never from a plan file alone: a file naming others is refused here,
    before the token is read for a request."""
    from ..client import endpoint_base_url

    if token_env != target.operation.token_env:
        raise PlanMismatch(
            f"the saved plan names the token variable {token_env}, but the manifests name "
            f"{target.operation.token_env}: nothing was sent (make the plan again)"
        )
    recorded = endpoint or (f"https://wv{server}.wolkvox.com" if server else None)
    try:
        recorded_url = endpoint_base_url(recorded) if recorded else None
    except ConfigError:  # an unusable value is simply not this operation
        recorded_url = None
    if recorded_url != target.base_url:
        raise PlanMismatch(
            f"the saved plan was made against {recorded or 'no endpoint'}, but this apply "
            f"would call {shown_target(target)}: nothing was sent (make the plan again)"
        )


def shown_target(target: Target) -> str:
    return target.endpoint or target.base_url.rstrip("/")
