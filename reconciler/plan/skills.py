"""The operation's skills: a `skill_id` a create or edit would send, checked against the
vendor's list (`api=skills`) before apply, so that an unknown one is an error at its
manifest line rather than a 400 mid-apply.

An empty list proves nothing (an operation whose skills endpoint answers none, as the
simulator's does unseeded), and neither does one that could not be read: each skill sent
is then a `skills-unverified` warning, never a blocked create.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..manifest.desired import Campaign
from .model import Action, ActionKind, Finding, FindingKind

__all__ = ["check_skills", "skills_sent", "skills_unverified"]

#: the vendor's virtual agent, on every operation whether listed or not
VIRTUAL_AGENT = "VAGENT"


def skills_sent(actions: Sequence[Action]) -> dict[str, str]:
    """campaign name → the skill_id its create or edit would send."""
    sent: dict[str, str] = {}
    for action in actions:
        skill = (action.params or {}).get("skill_id")
        if action.kind in (ActionKind.CREATE, ActionKind.EDIT) and skill:
            sent[action.campaign] = str(skill)
    return sent


def skills_unverified(campaign: str, what: str, why: str) -> Finding:
    """The warning for a skill_id sent unchecked: the vendor's skills list `why`."""
    return Finding(
        FindingKind.SKILLS_UNVERIFIED,
        f"{what} not verified: the operation's skills list (api=skills) {why}; "
        "apply sends it as declared",
        campaign,
    )


def check_skills(
    actions: Sequence[Action], chosen: Sequence[Campaign], skills: frozenset[str]
) -> tuple[list[Finding], set[str]]:
    """The findings about the skills `actions` send, and the campaigns refused (an unknown
    skill: the campaign gets no actions)."""
    sent = skills_sent(actions)
    if not skills:
        return [
            skills_unverified(c.name, f"{c.location}: skill_id {sent[c.name]}", "answered none")
            for c in chosen
            if sent.get(c.name) not in (None, VIRTUAL_AGENT)
        ], set()
    wrong = [c for c in chosen if sent.get(c.name) not in (None, VIRTUAL_AGENT, *skills)]
    return [
        Finding(
            FindingKind.UNKNOWN_SKILL,
            f"{c.location}: skill_id {sent[c.name]} is not one of the operation's "
            f"{len(skills)} skills (api=skills); fix the id or create the skill",
            c.name,
        )
        for c in wrong
    ], {c.name for c in wrong}
