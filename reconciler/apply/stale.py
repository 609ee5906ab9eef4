"""Is a plan still true? Compare the live state it saw (its fingerprints) with a fresh list.

A plan is stale when any campaign it manages changed: a bound campaign disappeared or its
status, records, name, type or description changed (its digest differs), or a campaign the
plan would create now exists. Unrelated live campaigns do not make it stale.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..client.live import LiveCampaign
from ..plan.model import Plan

__all__ = ["stale_reasons"]


def stale_reasons(plan: Plan, live: Sequence[LiveCampaign]) -> list[str]:
    """What changed since `plan` was made, one sentence per campaign (empty: still true)."""
    by_id = {lc.campaign_id: lc for lc in live}
    reasons = []
    for fp in plan.fingerprints:
        if fp.campaign_id is None:
            appeared = sorted(lc.campaign_id for lc in live if lc.name == fp.campaign)
            if appeared:
                reasons.append(
                    f"{fp.campaign}: did not exist when planned, now exists live "
                    f"(id {', '.join(appeared)})"
                )
            continue
        now = by_id.get(fp.campaign_id)
        if now is None:
            reasons.append(f"{fp.campaign} (id {fp.campaign_id}): no longer in the live list")
        elif now.fingerprint() != fp.digest:  # the cheap comparison found a change
            moved = ""
            seen = fp.facts()
            if seen is not None:
                from ..plan.explain import explain_changes  # deepdiff, only for what changed

                moved = "; ".join(explain_changes(seen, now.facts()))
            reasons.append(
                f"{fp.campaign} (id {fp.campaign_id}): changed since planned, now "
                f"{now.status.value} with {now.records} records" + (f" ({moved})" if moved else "")
            )
    return reasons
