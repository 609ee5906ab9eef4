"""Approvals that travel with the review.

A plan past apply's safety limits (deletes, clears, a share of stops) is applied only with
`--force`, or when a reviewer approved *exactly* that plan: the approval names the plan's
digest, a short hash of every action it holds (kind, campaign, id, body, and the live facts
it was made from: status, records). At merge, apply plans again from the live state; if
anything moved, the digest differs and the approval does not carry over.

On a forge, a reviewer approves by commenting `/wolkvox-approve DIGEST` on the pull (merge)
request; `python -m reconciler.ci.comments … --approvals` lists the digests approved by
members other than the request's author, and the recipes pass them to `plan` and `apply`
in `WOLKVOX_APPROVED`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection

from .model import Plan
from .safety import Thresholds

__all__ = ["APPROVE_COMMAND", "approval_digest", "approval_hint", "is_approved", "parse_approvals"]

#: what a reviewer writes, followed by the digest
APPROVE_COMMAND = "/wolkvox-approve"

_DIGEST = re.compile(r"\A[0-9a-f]{16}\Z")
_COMMAND = re.compile(re.escape(APPROVE_COMMAND) + r"\s+([0-9a-f]{16})\b")


def approval_digest(plan: Plan) -> str:
    """16 hex digits that change whenever any action of `plan`, or a live fact it shows, does."""
    actions = [a.to_dict() for a in plan.actions]
    text = json.dumps(actions, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def is_approved(plan: Plan, approved: Collection[str]) -> bool:
    return bool(approved) and approval_digest(plan) in approved


def approval_hint(plan: Plan, thresholds: Thresholds) -> str | None:
    """What a reviewer does to let apply past the limits this plan exceeds (None: within)."""
    if not plan.threshold_violations(thresholds):
        return None
    digest = approval_digest(plan)
    return (
        f"approval needed for plan {digest}: a reviewer comments `{APPROVE_COMMAND} {digest}` "
        "on the pull request (apply on merge then goes past these limits for exactly this "
        f"plan), or apply with --approved {digest}, or --force"
    )


def parse_approvals(text: str) -> list[str]:
    """The digests approved in a comment's text."""
    return _COMMAND.findall(text)


def valid_digest(text: str) -> bool:
    return bool(_DIGEST.match(text))
