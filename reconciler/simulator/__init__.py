"""A local, faithful stand-in for the wolkvox campaign API (`wolkvox-reconciler simulate`).

It imports nothing from the reconciler but `reconciler.vocabulary`, so that client and
simulator cannot agree on a mistake by sharing code; a test pins this.
"""

from __future__ import annotations

from .seed import Seed, SeedError, load_seed, parse_seed
from .server import DEFAULT_TOKEN, VENDOR_FAULTS, SimulatorConfig, SimulatorServer, serve
from .store import DEFAULTS, SETTINGS, CampaignData, CampaignRow, SkillData, Store

__all__ = [
    "DEFAULTS",
    "DEFAULT_TOKEN",
    "SETTINGS",
    "VENDOR_FAULTS",
    "CampaignData",
    "CampaignRow",
    "Seed",
    "SeedError",
    "SimulatorConfig",
    "SimulatorServer",
    "SkillData",
    "Store",
    "load_seed",
    "parse_seed",
    "serve",
]
