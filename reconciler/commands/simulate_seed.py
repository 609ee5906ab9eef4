"""`simulate --seed-from-manifest`: a live state equal to what the manifests declare.

Pinned ids are kept, the others get fresh ones; `started` is Started, `stopped` Stopped and
`cleared` Stopped with no records; every field the manifests declare is stored, so a plan
of the same manifests against the simulator is "No changes". Every skill a manifest names
is seeded too, so the simulator's skill checks accept it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import Enum

from ..errors import ConfigError
from ..manifest import load
from ..manifest.desired import Campaign
from ..simulator import DEFAULTS, SETTINGS, CampaignData, Seed, SkillData
from ..vocabulary import DesiredState, LiveStatus

__all__ = ["seed_from_manifests"]

_DIGITS = re.compile(r"[0-9]+")
#: as the simulator's seed: ids of at most 18 digits fit its 64-bit integers
_MAX_ID_DIGITS = 18


def seed_from_manifests(paths: Sequence[str]) -> Seed:
    """The seed that makes live equal the manifests at `paths` (ManifestError if bad)."""
    desired = load(paths)
    campaigns = [_campaign(c) for c in desired.campaigns if c.state.value != "absent"]
    skills = sorted(
        {c.skill_id for c in desired.campaigns if _DIGITS.fullmatch(c.skill_id)},
        key=lambda s: (len(s), s),
    )
    return Seed(
        campaigns=tuple(campaigns),
        skills=tuple(SkillData(s, f"skill {s}", "seeded from the manifests") for s in skills),
    )


def _campaign(c: Campaign) -> CampaignData:
    campaign_id: int | None = None
    if c.id is not None:
        if len(c.id.lstrip("0")) > _MAX_ID_DIGITS:
            raise ConfigError(
                f"{c.location}: campaign {c.name!r}: id {c.id[:40]} has more than "
                f"{_MAX_ID_DIGITS} digits, more than the simulator can hold"
            )
        campaign_id = int(c.id)
    settings = {
        "start_time": c.start_time,
        "end_time": c.end_time,
        "enable_edition": "yes" if c.enable_edition else "no",
        **{k: v for k, v in c.options.items() if k in SETTINGS},
    }
    # Fields the manifest language is gaining (speed, turbo_dial, amd, routing_recall,
    # dial_order): taken when the loaded campaign has them, so live still equals desired.
    speed = _field(c, "speed") or DEFAULTS["speed"]
    turbo = _field(c, "turbo_dial")
    turbo_dial = DEFAULTS["turbo_dial"] if turbo is None else "on" if turbo == "true" else "off"
    for name, key in (("amd", "amd_conf"), ("routing_recall", "routing_recall")):
        value = _field(c, name)
        if value is not None:
            settings[key] = {"true": "yes", "false": "no"}.get(value, value)
    dial_order = _field(c, "dial_order")
    if dial_order is not None:
        settings["camp_dial_order"] = dial_order
    return CampaignData(
        campaign_id=campaign_id,
        campaign_name=c.name,
        campaign_description=c.description,
        type_campaign=c.type,
        status=LiveStatus.STARTED if c.state is DesiredState.STARTED else LiveStatus.STOPPED,
        skill_id=c.skill_id,
        settings=tuple(sorted(settings.items())),
        speed=speed,
        turbo_dial=turbo_dial,
    )


def _field(c: Campaign, name: str) -> str | None:
    """The campaign's `name` as the simulator's text, None when absent or unset."""
    value = getattr(c, name, None)
    if value is None or value == "":
        return None
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return {"yes": "true", "on": "true", "no": "false", "off": "false"}.get(text, text)
