"""The domain words shared by the reconciler and the simulator — and nothing else.

The simulator of the vendor API may import this module and no other part of the
reconciler, so that the two sides cannot agree on a mistake by sharing code.
"""

from __future__ import annotations

from enum import Enum

__all__ = [
    "AMD_COUNTRIES",
    "DIAL_ORDERS",
    "RESULTS",
    "CampaignType",
    "DesiredState",
    "LiveStatus",
    "Unmanaged",
]


class CampaignType(str, Enum):
    """`type_campaign` in every vendor URL."""

    PREVIEW = "preview"
    PREDICTIVE = "predictive"


class LiveStatus(str, Enum):
    """`status` in the vendor's campaign list."""

    STARTED = "Started"
    STOPPED = "Stopped"

    @classmethod
    def parse(cls, text: str) -> LiveStatus:
        """Case-insensitive: the vendor documents `Started`, other pages show lowercase."""
        status = _STATUSES.get(text) or _STATUSES.get(text.strip().lower())
        if status is None:
            raise ValueError(f"unknown campaign status {text!r}")
        return status


#: the spellings a list row's status is read from, the documented one looked up first
_STATUSES = {
    **{s.value: s for s in LiveStatus},
    **{s.value.lower(): s for s in LiveStatus},
}


class DesiredState(str, Enum):
    """`state` of a campaign in a manifest."""

    STARTED = "started"
    STOPPED = "stopped"
    CLEARED = "cleared"  # stopped, with no records
    ABSENT = "absent"  # deleted (stopped first when started)


class Unmanaged(str, Enum):
    """What a plan does with live campaigns that no manifest names."""

    IGNORE = "ignore"
    WARN = "warn"
    STOP = "stop"


#: The `result` values `clear_campaign` accepts, in the vendor's order.
RESULTS: tuple[str, ...] = (
    "no-answer",
    "answer-machine",
    "abandon",
    "busy",
    "congestion",
    "unknown",
    "failed",
    "do-not-call",
    "chanunavail",
    "answer",
)


#: The answering-machine detection countries the vendor's collection documents (create's
#: `amd`, edit_campaign's `amd_conf` besides `default` and `none`).
AMD_COUNTRIES: tuple[str, ...] = (
    "ARG",
    "CHL",
    "COL",
    "CRI",
    "ECU",
    "ESP",
    "GTM",
    "HND",
    "ITA",
    "MEX",
    "NIC",
    "PAN",
    "PER",
)

#: edit_campaign's `camp_dial_order`: the order in which a campaign's records are dialed.
DIAL_ORDERS: tuple[str, ...] = ("linear", "zigzag", "random")
