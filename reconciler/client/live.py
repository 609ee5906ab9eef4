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
        """A digest of everything a plan decides on; changes when the campaign changes.

        The digest is of `json.dumps(facts)`, with facts `[campaign_id, name, type, status,
        records, description]` and, when any is listed, `[speed, turbo_dial, skill_id]`
        appended; the text is spelled out here with json's own string escaper, which saves
        json.dumps setting up its encoder 10,000 times in a plan (the same bytes: a test
        holds the two equal)."""
        text = (
            f"[{_quoted(self.campaign_id)}, {_quoted(self.name)}, {_quoted(self.type.value)}, "
            f"{_quoted(self.status.value)}, {self.records:d}, {_quoted(self.description)}"
        )
        # speed, turbo dial and skill only when listed: a plan without them keeps its digest
        speed, turbo, skill = self.speed, self.turbo_dial, self.skill_id
        if speed is not None or turbo is not None or skill is not None:
            text += f", [{_scalar(speed)}, {_scalar(turbo)}, {_scalar(skill)}]"
        return hashlib.sha256(f"{text}]".encode()).hexdigest()[:16]


#: json's escaper of a string (`ensure_ascii`, as `json.dumps` uses by default)
_quoted = json.encoder.encode_basestring_ascii


def _scalar(value: int | bool | str | None) -> str:
    """`json.dumps` of a listed value (an int, a bool, a string or None)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return f"{value:d}"
    return _quoted(value)
