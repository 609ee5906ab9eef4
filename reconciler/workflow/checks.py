"""What a plan asks of the vendor beyond the list: the operation's skills (before a create
or edit sends one) and the token's calls left today (before apply spends them)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from typing import Any, Protocol

from ..errors import ApiError, AuthError, QuotaExhausted
from ..manifest.desired import Operation
from ..plan.model import Plan
from ..plan.skills import skills_sent, skills_unverified

__all__ = ["Budget", "budget", "needs_skills", "with_skills"]


class _Reads(Protocol):
    def token_info(self) -> Any: ...

    def skills(self) -> list[Any]: ...


def needs_skills(plan: Plan) -> bool:
    """Whether a create or edit of `plan` would send a `skill_id`."""
    return bool(skills_sent(plan.actions))


def with_skills(plan: Plan, client: _Reads, replan: Callable[[Collection[str]], Plan]) -> Plan:
    """`plan`, or, when it would send a skill, the plan made again knowing the operation's
    skills (one `api=skills` call), where an unknown skill is an error at its manifest line."""
    if not needs_skills(plan):
        return plan
    try:
        skills = client.skills()
    except AuthError:
        raise
    except ApiError as exc:  # unreadable: a warning per skill sent, never a blocked create
        unchecked = tuple(
            skills_unverified(name, f"skill_id {skill}", f"failed: {exc}")
            for name, skill in skills_sent(plan.actions).items()
        )
        return replace(plan, warnings=plan.warnings + unchecked)
    return replan([s.skill_id for s in skills])


@dataclass(frozen=True)
class Budget:
    """The calls the token has left today, and where that figure came from."""

    available: int | None  # None: not known
    source: str

    def describe(self, needed: int) -> str:
        if self.available is None:
            return f"Budget: {needed} API calls; calls left today not checked ({self.source})."
        return f"Budget: {needed} API calls, {self.available} left today ({self.source})."

    def refusal(self, needed: int) -> str | None:
        if self.available is None or needed <= self.available:
            return None
        return (
            f"the plan needs {needed} API calls, but the token has {self.available} left "
            f"today ({self.source}): nothing was executed (wait for tomorrow's quota, or "
            "narrow the plan with --target)"
        )


def budget(client: _Reads, operation: Operation) -> Budget:
    """From `token_info` (1 call); `operation.daily_quota` when the vendor cannot say."""
    try:
        info = client.token_info()
    except (AuthError, QuotaExhausted):
        raise
    except ApiError as exc:
        why = f"token_info unavailable: {exc}"
        if operation.daily_quota is not None:
            return Budget(operation.daily_quota, f"operation.daily_quota; {why}")
        return Budget(None, f"{why}; no operation.daily_quota")
    return Budget(info.available, f"token_info: {info.used_today} of {info.limit} used today")
