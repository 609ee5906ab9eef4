"""What the applier needs of a client, and what it reports: one Outcome per action."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from ..client.live import LiveCampaign
from ..plan.model import Action
from ..vocabulary import CampaignType

__all__ = ["ApplyClient", "ApplyReport", "Outcome", "Status"]

Status = Literal["done", "failed", "skipped"]


class ApplyClient(Protocol):
    """What the applier needs of `client.WolkvoxClient` (and what test fakes implement)."""

    @property
    def calls(self) -> int: ...

    def list_campaigns(self) -> list[LiveCampaign]: ...

    def create_campaign(
        self, type: CampaignType, params: Mapping[str, str], *, campaign: str
    ) -> str: ...

    def start(
        self, type: CampaignType, campaign_id: str, *, campaign: str | None = None
    ) -> None: ...

    def stop(
        self, type: CampaignType, campaign_id: str, *, campaign: str | None = None
    ) -> None: ...

    def edit_campaign(
        self, campaign_id: str, fields: Mapping[str, Any], *, campaign: str | None = None
    ) -> dict[str, Any]: ...

    def set_speed(self, campaign_id: str, speed: int, *, campaign: str | None = None) -> None: ...

    def delete_campaigns(
        self, type: CampaignType, campaign_ids: Sequence[str], *, campaigns: Sequence[str] = ()
    ) -> dict[str, str | None]: ...

    def delete_campaign(
        self, type: CampaignType, campaign_id: str, *, campaign: str | None = None
    ) -> None: ...

    def clear(
        self,
        type: CampaignType,
        campaign_id: str,
        result: str | None = None,
        *,
        campaign: str | None = None,
    ) -> None: ...


@dataclass(frozen=True)
class Outcome:
    """What became of one planned action. `error` is the failure, or why it was skipped."""

    action: Action
    status: Status
    campaign_id: str | None
    duration: float
    error: str | None = None
    #: the create's answer was lost and its campaign was found in the live list
    adopted: bool = False
    #: edit_campaign's answer: the campaign's whole configuration after the edit
    answer: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class ApplyReport:
    outcomes: tuple[Outcome, ...]
    api_calls: int
    #: why the run stopped early, or None when every action was tried
    halted: str | None = None
    interrupted: bool = False

    def _with(self, status: Status) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def done(self) -> list[Outcome]:
        return self._with("done")

    @property
    def failed(self) -> list[Outcome]:
        return self._with("failed")

    @property
    def skipped(self) -> list[Outcome]:
        return self._with("skipped")
