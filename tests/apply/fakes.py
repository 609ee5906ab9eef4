"""An in-memory wolkvox operation with the client's interface and injectable faults.

Faults mirror what reaches the applier from the real client (which has already retried
what it could): `TransientError` before anything happened (`fail_rate`), a call that took
effect but whose answer was lost (`drop_rate`: `OutcomeUnknown` for a create, as the real
client reports it; `TransientError` for the idempotent calls), quota running out after
`quota` calls, a revoked token (`auth_fails`), and a list that shows a new campaign only after up to
`list_lag` further list calls (drawn per create: real lists lag).
"""

from __future__ import annotations

import random
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from reconciler.client import Skill, TokenInfo
from reconciler.client.live import LiveCampaign
from reconciler.errors import (
    AuthError,
    NotFound,
    OutcomeUnknown,
    QuotaExhausted,
    TransientError,
)
from reconciler.vocabulary import CampaignType, LiveStatus


@dataclass
class Row:
    campaign_id: str
    name: str
    type: CampaignType
    status: LiveStatus = LiveStatus.STOPPED
    records: int = 0
    description: str = ""
    speed: int | None = None
    settings: dict[str, object] = field(default_factory=dict)

    def live(self) -> LiveCampaign:
        return LiveCampaign(
            self.campaign_id,
            self.name,
            self.type,
            self.status,
            self.records,
            self.description,
            speed=self.speed,
        )


F = TypeVar("F", bound="FakeClient")


@dataclass
class FakeClient:
    rows: dict[str, Row] = field(default_factory=dict)
    fail_rate: float = 0.0
    drop_rate: float = 0.0
    list_fail_rate: float = 0.0
    quota: int | None = None
    auth_fails: bool = False
    seed: int = 0
    #: every call made, as (api, campaign id or name)
    log: list[tuple[str, str]] = field(default_factory=list)
    next_id: int = 1000
    list_lag: int = 0
    #: what token_info says is left today (None: a limit of 5,000); skills the operation has
    calls_left: int | None = None
    skill_ids: tuple[str, ...] = ()
    #: how each call named its campaign (the `campaign` its errors would name)
    named: list[str | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._lock = threading.Lock()
        self._calls = 0
        self._lists = 0
        #: campaign id → the list call from which on it is shown
        self._visible_from: dict[str, int] = {}

    @classmethod
    def with_rows(cls: type[F], *rows: Row, **kwargs: object) -> F:
        return cls(rows={r.campaign_id: r for r in rows}, **kwargs)  # type: ignore[arg-type]

    @property
    def calls(self) -> int:
        return self._calls

    base_url = "http://fake.invalid/api/v2/"

    def __enter__(self) -> FakeClient:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def factory(self, target: object, **options: object) -> FakeClient:
        """Stands in for `workflow.planning.open_client`: the same fake every time."""
        self.opened_with = options
        return self

    def faults_off(self) -> None:
        self.fail_rate = self.drop_rate = self.list_fail_rate = 0.0

    # -- the client's interface --------------------------------------------------------

    def list_campaigns(self) -> list[LiveCampaign]:
        with self._lock:
            self._enter("campaigns", "", self.list_fail_rate)
            self._lists += 1
            return [
                r.live()
                for r in self.rows.values()
                if self._visible_from.get(r.campaign_id, 0) <= self._lists
            ]

    def create_campaign(
        self, type: CampaignType, params: Mapping[str, str], *, campaign: str
    ) -> str:
        with self._lock:
            self.named.append(campaign)
            self._enter("create_campaign", campaign, self.fail_rate)
            self.next_id += 1
            new_id = str(self.next_id)
            self.rows[new_id] = Row(
                new_id, params["campaign_name"], type, description=params["campaign_description"]
            )
            lag = self._rng.randint(0, self.list_lag) if self.list_lag else 0
            self._visible_from[new_id] = self._lists + 1 + lag
            if self._rng.random() < self.drop_rate:
                raise OutcomeUnknown(
                    "connection dropped", call="create_campaign", campaign=campaign
                )
            return new_id

    def start(self, type: CampaignType, campaign_id: str, *, campaign: str | None = None) -> None:
        self.named.append(campaign)
        self._set(type, campaign_id, "start", status=LiveStatus.STARTED)

    def stop(self, type: CampaignType, campaign_id: str, *, campaign: str | None = None) -> None:
        self.named.append(campaign)
        self._set(type, campaign_id, "stop", status=LiveStatus.STOPPED)

    def clear(
        self,
        type: CampaignType,
        campaign_id: str,
        result: str | None = None,
        *,
        campaign: str | None = None,
    ) -> None:
        self.named.append(campaign)
        self._set(type, campaign_id, "clear_campaign", records=0)

    def edit_campaign(
        self, campaign_id: str, fields: Mapping[str, object], *, campaign: str | None = None
    ) -> dict[str, object]:
        with self._lock:
            self.named.append(campaign)
            self._enter("edit_campaign", campaign_id, self.fail_rate)
            row = self.rows.get(campaign_id)
            if row is None:
                raise NotFound("campaign not found", call="edit_campaign", campaign=campaign_id)
            row.name = str(fields.get("campaign_name", row.name))
            row.description = str(fields.get("campaign_description", row.description))
            if "type_camp" in fields:
                row.type = CampaignType(str(fields["type_camp"]).lower())
            row.settings.update(fields)
            if self._rng.random() < self.drop_rate:
                raise TransientError("answer lost", call="edit_campaign", campaign=campaign_id)
            return {"campaign_id": campaign_id, **row.settings}

    def set_speed(self, campaign_id: str, speed: int, *, campaign: str | None = None) -> None:
        with self._lock:
            self.named.append(campaign)
            self._enter("speed", campaign_id, self.fail_rate)
            row = self.rows.get(campaign_id)
            if row is None:
                raise NotFound("campaign not found", call="speed", campaign=campaign_id)
            row.speed = speed

    def delete_campaign(
        self, type: CampaignType, campaign_id: str, *, campaign: str | None = None
    ) -> None:
        with self._lock:
            self.named.append(campaign)
            self._enter("delete_campaign", campaign_id, self.fail_rate)
            row = self.rows.get(campaign_id)
            if row is None or row.type is not type:
                raise NotFound("campaign not found", call="delete_campaign", campaign=campaign_id)
            del self.rows[campaign_id]

    def delete_campaigns(
        self, type: CampaignType, campaign_ids: Sequence[str], *, campaigns: Sequence[str] = ()
    ) -> dict[str, str | None]:
        """The bulk form: one call; an id not there (or of another type) is not deleted."""
        with self._lock:
            self.named.append(",".join(campaigns))
            self._enter("delete_campaigns", ",".join(campaign_ids), self.fail_rate)
            out: dict[str, str | None] = {}
            for cid in campaign_ids:
                row = self.rows.get(cid)
                if row is None or row.type is not type:
                    out[cid] = "not deleted: the list still shows it" if row else None
                else:
                    del self.rows[cid]
                    out[cid] = None
            return out

    def token_info(self) -> TokenInfo:
        with self._lock:
            self._enter("token_info", "", 0.0)
            left = 5000 - self._calls if self.calls_left is None else self.calls_left
            return TokenInfo(limit=5000, used_today=self._calls, available=left)

    def skills(self) -> list[Skill]:
        with self._lock:
            self._enter("skills", "", 0.0)
            return [Skill(s, f"skill {s}") for s in self.skill_ids]

    # -- internals ---------------------------------------------------------------------

    def _enter(self, api: str, what: str, fail_rate: float) -> None:
        self._calls += 1
        self.log.append((api, what))
        if self.auth_fails:
            raise AuthError("PLEASE VALIDATE TOKEN", call=api, campaign=what, status_code=403)
        if self.quota is not None and self._calls > self.quota:
            raise QuotaExhausted("TOKEN LIMIT EXCEEDED", call=api, campaign=what, status_code=403)
        if self._rng.random() < fail_rate:
            raise TransientError("HTTP 503", call=api, campaign=what, status_code=503)

    def _set(
        self,
        type: CampaignType,
        campaign_id: str,
        api: str,
        *,
        status: LiveStatus | None = None,
        records: int | None = None,
    ) -> None:
        with self._lock:
            self._enter(api, campaign_id, self.fail_rate)
            row = self.rows.get(campaign_id)
            if row is None or row.type is not type:
                raise NotFound("campaign not found", call=api, campaign=campaign_id)
            if status is not None:
                row.status = status
            if records is not None:
                row.records = records
            if self._rng.random() < self.drop_rate:
                raise TransientError("answer lost", call=api, campaign=campaign_id)
