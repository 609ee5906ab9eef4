"""The simulator's rows: what goes into the store and what comes out of it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..vocabulary import CampaignType, LiveStatus

__all__ = ["DEFAULTS", "SETTINGS", "CampaignData", "CampaignRow", "SkillData"]

#: What a new campaign shows in the list fields that create cannot set.
DEFAULTS: Mapping[str, str] = {
    "speed": "1",
    "dial_mode": "phone1 - ring: 30(sec)",
    "last_use": "",
    "recycled": "0",
    "turbo_dial": "off",
}

#: What the list never shows, as edit_campaign names it, and its value for a new campaign
#: (`opt0` … `opt12` are the `optional_labels`; times are `HH:MM:SS` or empty).
SETTINGS: Mapping[str, str] = {
    "start_time": "",
    "end_time": "",
    "enable_edition": "no",
    "amd_conf": "default",
    "routing_recall": "no",
    "camp_dial_order": "linear",
    **{f"opt{n}": "" for n in range(13)},
}


@dataclass(frozen=True)
class CampaignData:
    """A campaign to put in the store (from a seed file, or a create call)."""

    campaign_name: str
    type_campaign: CampaignType
    campaign_description: str = ""
    status: LiveStatus = LiveStatus.STOPPED
    campaign_id: int | None = None  # None: the store picks a fresh one
    speed: str = DEFAULTS["speed"]
    dial_mode: str = DEFAULTS["dial_mode"]
    last_use: str = DEFAULTS["last_use"]
    recycled: str = DEFAULTS["recycled"]
    turbo_dial: str = DEFAULTS["turbo_dial"]
    skill_id: str = ""
    #: (result, count) pairs; results absent here have no records
    record_results: tuple[tuple[str, int], ...] = ()
    #: SETTINGS keys; the ones left out take SETTINGS' value
    settings: tuple[tuple[str, str], ...] = ()
    #: UNIX time from which the list shows it (a create under --list-lag); 0: at once
    listed_from: float = 0.0


@dataclass(frozen=True)
class SkillData:
    """A skill (agent queue), as `information.php?api=skills` shows it."""

    skill_id: str
    skill_name: str
    skill_description: str = ""
    last_use: str = ""

    def row(self) -> dict[str, str]:
        return {
            "skill_id": self.skill_id,
            "skill_name": self.skill_name,
            "skill_description": self.skill_description,
            "last_use": self.last_use,
        }


@dataclass(frozen=True)
class CampaignRow:
    """A stored campaign, as the list endpoint shows it (plus its per-result counts)."""

    campaign_id: int
    campaign_name: str
    campaign_description: str
    type_campaign: CampaignType
    status: LiveStatus
    speed: str
    dial_mode: str
    last_use: str
    recycled: str
    turbo_dial: str
    record_results: tuple[tuple[str, int], ...] = field(default=())
    skill_id: str = ""
    listed_from: float = 0.0

    @property
    def records(self) -> int:
        return sum(count for _, count in self.record_results)

    def list_row(self, *, skill_id: bool = False) -> dict[str, str]:
        """The eleven documented fields, every value a string, in the vendor's order; then
        `skill_id`, which only the collection's sample shows, when asked for."""
        row = {
            "campaign_id": str(self.campaign_id),
            "campaign_name": self.campaign_name,
            "campaign_description": self.campaign_description,
            "type_campaign": self.type_campaign.value,
            "status": self.status.value,
            "records": str(self.records),
            "speed": self.speed,
            "dial_mode": self.dial_mode,
            "last_use": self.last_use,
            "recycled": self.recycled,
            "turbo_dial": self.turbo_dial,
        }
        if skill_id:
            row["skill_id"] = self.skill_id
        return row
