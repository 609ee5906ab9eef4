"""The live model: campaigns as the vendor's list call reports them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from ..fields import LISTED_IF_SENT
from ..vocabulary import CampaignType, LiveStatus

__all__ = ["LiveCampaign"]


@dataclass(frozen=True, slots=True)
class LiveCampaign:
    """One row of `information.php?api=campaigns`, parsed (the vendor sends every field as a
    string; `records` becomes an int, `status` and `type` enums). `extra` keeps every other
    field (speed, dial_mode, last_use, recycled, turbo_dial…) verbatim.

    `speed`, `turbo_dial` and `skill_id` are those fields parsed, None when the list did not
    say (the page's sample sends "" for both, and no `skill_id` at all)."""

    campaign_id: str
    name: str
    type: CampaignType
    status: LiveStatus
    records: int
    description: str = ""
    extra: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    speed: int | None = None
    turbo_dial: bool | None = None
    skill_id: str | None = None

    def facts(self) -> dict[str, object]:
        """What a plan decides on, by name: a saved plan keeps them, so that a stale plan
        can say field by field what moved."""
        seen: dict[str, object] = {
            "name": self.name,
            "type": self.type.value,
            "status": self.status.value,
            "records": self.records,
            "description": self.description,
        }
        for key in LISTED_IF_SENT:  # `fields.py`: shown only when the server sends them
            if getattr(self, key) is not None:
                seen[key] = getattr(self, key)
        return seen

    def seen(self) -> list[object]:
        """`facts()` in the order of `fields.SEEN`, None where not listed: what a saved plan
        keeps of it, made without the mapping first."""
        return [
            self.name,
            self.type.value,
            self.status.value,
            self.records,
            self.description,
            *[getattr(self, key) for key in LISTED_IF_SENT],
        ]

    def fingerprint(self) -> str:
        """A digest of everything a plan decides on; changes when the campaign changes."""
        facts: list[object] = [
            self.campaign_id,
            self.name,
            self.type.value,
            self.status.value,
            self.records,
            self.description,
        ]
        # speed, turbo dial and skill only when listed: a plan without them keeps its digest
        listed = [v for v in (self.speed, self.turbo_dial, self.skill_id) if v is not None]
        if listed:
            facts.append([self.speed, self.turbo_dial, self.skill_id])
        return hashlib.sha256(json.dumps(facts).encode()).hexdigest()[:16]
