"""The desired model: what the manifests declare, after loading and validation."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter

from ..errors import Location
from ..fields import OPTION_KEYS
from ..state.model import StateConfig
from ..vocabulary import AMD_COUNTRIES, CampaignType, DesiredState, Unmanaged

#: the environment variable holding the state backend's URL: a secret, never interpolated
STATE_URL_ENV = "WOLKVOX_STATE_URL"

__all__ = [
    "CREATE_OPTION_KEYS",
    "OPTION_KEYS",
    "STATE_URL_ENV",
    "Campaign",
    "Desired",
    "Operation",
    "create_params",
    "desired_value",
    "value_getter",
]

#: The ones the create call accepts too (opt0 is set by an edit after the create).
CREATE_OPTION_KEYS: tuple[str, ...] = OPTION_KEYS[1:]


@dataclass(frozen=True)
class Operation:
    """One wolkvox operation (a server and a token). Every field is optional in a manifest:
    the endpoint may come from `--endpoint` / `WOLKVOX_ENDPOINT` instead."""

    server: str | None = None
    token_env: str = "WOLKVOX_TOKEN"
    unmanaged: Unmanaged = Unmanaged.WARN
    daily_quota: int | None = None
    #: environment variables `${VAR}` may read besides `WOLKVOX_VAR_*`
    variables: tuple[str, ...] = ()
    #: where the state lives (`reconciler/state/`): `local` files, or `postgres`
    state: StateConfig = StateConfig()  # noqa: RUF009 - frozen

    @property
    def base_url(self) -> str | None:
        """`https://wv{server}.wolkvox.com/api/v2/`, or None when no server is declared."""
        if self.server is None:
            return None
        return f"https://wv{self.server}.wolkvox.com/api/v2/"


@dataclass(frozen=True, slots=True)
class Campaign:
    """One desired campaign. A field left None (or "" for the texts that default to it) is
    not managed: the plan neither sets nor compares it."""

    name: str
    type: CampaignType
    state: DesiredState
    description: str = ""
    skill_id: str = ""
    start_time: str = ""  # "HH:MM:SS" (normalised by the loader) or ""
    end_time: str = ""
    options: Mapping[str, str] = field(default_factory=dict)  # opt0 … opt12
    enable_edition: bool | None = None
    protect: bool = False
    id: str | None = None
    speed: int | None = None  # 0-100, the vendor's `speed`
    turbo_dial: bool | None = None
    amd: str | None = None  # "default", "none" or a country code (vocabulary.AMD_COUNTRIES)
    routing_recall: bool | None = None  # True: recall routing on (the vendor's "no")
    dial_order: str | None = None  # vocabulary.DIAL_ORDERS
    location: Location = field(default=Location("<memory>"), compare=False)

    def __hash__(self) -> int:
        return hash((self.name, self.type, self.state, self.id))


@dataclass(frozen=True)
class Desired:
    """Everything the manifests declare, merged: one operation and its campaigns."""

    operation: Operation
    campaigns: tuple[Campaign, ...]
    files: tuple[str, ...] = ()

    def by_name(self) -> dict[str, Campaign]:
        return {c.name: c for c in self.campaigns}

    def count_by_state(self) -> dict[DesiredState, int]:
        """Every state but `absent`, which is counted only when some campaign has it."""
        counts = Counter(c.state for c in self.campaigns)
        return {
            state: counts.get(state, 0)
            for state in DesiredState
            if state is not DesiredState.ABSENT or counts.get(state)
        }


def _hhmmss(time_text: str) -> str:
    """ "08:00:00" (as the loader normalises every time) → "080000", the form sent to the
    create call; "" stays ""."""
    return time_text.replace(":", "")


def create_params(campaign: Campaign) -> dict[str, str]:
    """The exact JSON body the vendor's create call receives for `campaign`.

    Every documented field is sent, empty strings for what the manifest leaves out, so the
    body a plan shows is byte for byte the body apply sends.
    """
    params = {
        "campaign_name": campaign.name,
        "campaign_description": campaign.description,
        "start_time": _hhmmss(campaign.start_time),
        "end_time": _hhmmss(campaign.end_time),
        "skill_id": campaign.skill_id,
    }
    for key in CREATE_OPTION_KEYS:
        params[key] = campaign.options.get(key, "")
    params["enable_edition"] = "yes" if campaign.enable_edition else "no"
    if campaign.amd is not None and create_carries_amd(campaign):
        params["amd"] = campaign.amd
    return params


def create_carries_amd(campaign: Campaign) -> bool:
    """The collection's create takes `amd` for predictive campaigns only, and only as a
    country code (absent means the default): `default` and `none` are set by an edit
    right after the create (`amd_conf`), as for a preview campaign."""
    return campaign.type is CampaignType.PREDICTIVE and campaign.amd in AMD_COUNTRIES


def desired_value(campaign: Campaign, name: str) -> object:
    """The manifest's value of a managed field (`options.opt3` for a label), or None when
    the manifest leaves it out."""
    return value_getter(name)(campaign)


def value_getter(name: str) -> Callable[[Campaign], object]:
    """`desired_value` of one field, as a function of the campaign (made once per field:
    the differ asks it of every field of every campaign)."""
    if name.startswith("options."):
        key = name.split(".", 1)[1]
        return lambda campaign: campaign.options.get(key)
    get = attrgetter(name)

    def value(campaign: Campaign) -> object:
        found = get(campaign)
        return None if found == "" else found

    return value
