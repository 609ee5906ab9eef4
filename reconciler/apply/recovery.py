"""After a create with no usable answer: find the campaign it may have made, never send
it again. The vendor's list may show a new campaign only seconds later, so the list is read
again after each wait; a campaign with the name that was not there before is adopted."""

from __future__ import annotations

import threading
from typing import Protocol

from ..client.live import LiveCampaign
from ..errors import ApiError, AuthError, OutcomeUnknown, QuotaExhausted
from ..plan.model import Action

__all__ = ["DEFAULT_RECHECK_WAITS", "find_created", "recheck_waits_within"]

#: errors after which no further call can succeed in this run
_FATAL = (QuotaExhausted, AuthError)
#: seconds before each re-read of the list after an ambiguous create (15 s in all)
DEFAULT_RECHECK_WAITS: tuple[float, ...] = (1.0, 2.0, 4.0, 8.0)


class ListClient(Protocol):
    def list_campaigns(self) -> list[LiveCampaign]: ...


def recheck_waits_within(total: float) -> tuple[float, ...]:
    """Waits doubling from 1 s (or from `total`, if less) that add up to `total` seconds:
    15 → (1, 2, 4, 8); 0 → (0,), a single re-read at once."""
    if total <= 0:
        return (0.0,)
    waits: list[float] = []
    step = min(1.0, total)
    while sum(waits) < total:
        waits.append(min(step, total - sum(waits)))
        step *= 2
    return tuple(waits)


def find_created(
    client: ListClient,
    action: Action,
    unknown: OutcomeUnknown,
    known_ids: frozenset[str],
    waits: tuple[float, ...],
    stop_event: threading.Event,
) -> str:
    """The id of the campaign an ambiguous create made; OutcomeUnknown when the list,
    read after each of `recheck_waits`, never shows it (never a second create)."""
    waited = 0.0
    for delay in waits:
        if delay > 0 and stop_event.wait(delay):
            break  # interrupted: the next plan will tell
        waited += delay
        try:
            live = client.list_campaigns()
        except ApiError as exc:
            # A quota or auth refusal keeps its class: it must halt the run (even with
            # unless fail_fast), as it would have had it come from the create itself.
            cls = type(exc) if isinstance(exc, _FATAL) else OutcomeUnknown
            raise cls(
                f"outcome unknown: {unknown.message}; re-reading the live list to find "
                f"out failed too ({exc}); not creating again: run `plan` to see whether "
                "it exists",
                call="create_campaign",
                campaign=action.campaign,
                status_code=exc.status_code if cls is not OutcomeUnknown else None,
            ) from exc
        new = sorted(
            lc.campaign_id
            for lc in live
            if lc.name == action.campaign and lc.campaign_id not in known_ids
        )
        if len(new) > 1:
            raise OutcomeUnknown(
                f"{len(new)} campaigns named {action.campaign!r} appeared (ids "
                f"{', '.join(new)}); refusing to guess which one is ours",
                call="create_campaign",
                campaign=action.campaign,
            )
        if new:
            return new[0]
    last = unknown.message.split("; ")[0]
    raise OutcomeUnknown(
        f"outcome unknown: sent once, no usable answer ({last}); the live list, re-read "
        f"for {waited:g} s, shows no campaign named {action.campaign!r}. Not sending the "
        "create again: the vendor may still show it. Run `plan` in a few minutes: if the "
        "campaign is listed, apply adopts it; if not, apply creates it",
        call=unknown.call,
        campaign=unknown.campaign,
        status_code=unknown.status_code,
    ) from unknown
