"""The vendor endpoints, as plain functions of a request: no sockets here.

The HTTP server (`server.py`) authenticates, applies the limits and faults, then asks
`Api.handle` for the answer. Bodies are checked in `bodies.py`, answers shaped in
`replies.py`.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..vocabulary import RESULTS, CampaignType, LiveStatus
from .bodies import MAX_ID, create_body, delete_body, edit_body, parse_id, speed_body
from .replies import (
    CAMPAIGN_PATH,
    INFORMATION_PATH,
    MESSAGES,
    Refused,
    Reply,
    error_reply,
    ok_reply,
)
from .store import CampaignData, CampaignRow, Store

__all__ = [
    "CAMPAIGN_PATH",
    "INFORMATION_PATH",
    "MESSAGES",
    "Api",
    "ApiOptions",
    "Reply",
    "error_reply",
]

#: (path, api) → the one method the vendor documents for it
_ROUTES: Mapping[tuple[str, str], str] = {
    (INFORMATION_PATH, "campaigns"): "GET",
    (INFORMATION_PATH, "token_info"): "GET",
    (INFORMATION_PATH, "skills"): "GET",
    (CAMPAIGN_PATH, "create_campaign"): "POST",
    (CAMPAIGN_PATH, "start"): "PUT",
    (CAMPAIGN_PATH, "stop"): "PUT",
    (CAMPAIGN_PATH, "clear_campaign"): "DELETE",
    (CAMPAIGN_PATH, "edit_campaign"): "PUT",
    (CAMPAIGN_PATH, "speed"): "PUT",
    (CAMPAIGN_PATH, "delete_campaign"): "DELETE",
}


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def _no_usage(token: str) -> tuple[int, int]:
    return 0, 0


@dataclass(frozen=True)
class ApiOptions:
    #: seconds after its create before a new campaign shows in the list
    list_lag: float = 0.0
    #: list rows carry `skill_id` (the collection's sample) or not (the page's sample)
    list_skill_id: bool = True
    #: the daily limit token_info reports
    token_limit: int = 5000


class Api:
    def __init__(
        self,
        store: Store,
        options: ApiOptions = ApiOptions(),
        *,
        clock: Callable[[], str] = _now,
        now: Callable[[], float] = time.time,
        usage: Callable[[str], tuple[int, int]] = _no_usage,
    ) -> None:
        """`clock`: last_use text; `now`: UNIX time (the list lag); `usage(token)`: (admitted
        requests of `token`, of every token) this UTC day."""
        self._store = store
        self._options = options
        self._clock = clock
        self._time = now
        self._usage = usage
        # a change reads, checks, then writes (a delete checks the campaign is stopped):
        # two changes at once must not interleave, or a start could slip between
        self._changing = threading.Lock()

    def handle(
        self,
        method: str,
        path: str,
        query: Mapping[str, list[str]],
        body: bytes,
        *,
        token: str = "",
    ) -> Reply:
        """The answer to an authenticated, admitted request."""
        if path not in (INFORMATION_PATH, CAMPAIGN_PATH):
            return error_reply(404, MESSAGES["no_api"])
        api = _first(query, "api")
        if not api:
            return error_reply(400, f"{MESSAGES['required']}: api")
        expected = _ROUTES.get((path, api))
        if expected is None:
            return error_reply(400, MESSAGES["no_api"])
        if method != expected:
            return error_reply(
                405,
                f"METHOD {method} IS NOT ALLOWED FOR api={api}: USE {expected}",
                headers=(("Allow", expected),),
            )
        try:
            return self._route(api, query, body, token)
        except Refused as refused:
            return refused.reply

    def _route(self, api: str, query: Mapping[str, list[str]], body: bytes, token: str) -> Reply:
        if api == "campaigns":
            return self._list(query)
        if api == "token_info":
            return self._token_info(token)
        if api == "skills":
            return self._skills(query)
        with self._changing:
            return self._change(api, query, body)

    def _change(self, api: str, query: Mapping[str, list[str]], body: bytes) -> Reply:
        if api in ("edit_campaign", "speed"):
            # the collection's URLs carry no type_campaign: checked only when sent
            type_campaign = self._type(query) if "type_campaign" in query else None
            campaign = self._campaign(query, type_campaign)
            if api == "speed":
                return self._speed(campaign, body)
            return self._edit(campaign, body)
        type_campaign = self._type(query)
        if api == "create_campaign":
            return self._create(type_campaign, body)
        if api == "delete_campaign":
            return self._delete(type_campaign, query, body)
        campaign = self._campaign(query, type_campaign)
        if api == "clear_campaign":
            return self._clear(campaign, query)
        return self._start_stop(campaign, started=api == "start")

    # -- reading -----------------------------------------------------------------------

    def _list(self, query: Mapping[str, list[str]]) -> Reply:
        now = self._time()
        # a create shows only once its lag is over; every other change shows at once
        rows = [c for c in self._store.campaigns() if c.listed_from <= now]
        if "campaign" in query:
            wanted = parse_id(_first(query, "campaign") or "", "campaign")
            rows = [c for c in rows if c.campaign_id == wanted]
        data = [c.list_row(skill_id=self._options.list_skill_id) for c in rows]
        return ok_reply(200, f"{len(data)} records were found", data)

    def _token_info(self, token: str) -> Reply:
        used, everyone = self._usage(token)
        limit = self._options.token_limit
        info = {
            "description": "Consumption of this token today (UTC)",
            "token_limit": str(limit),
            "token_use_today": str(used),
            "all_token_today": str(everyone),
            "available_consumption_options": str(max(0, limit - used)),
        }
        return ok_reply(200, "1 records were found", [info])

    def _skills(self, query: Mapping[str, list[str]]) -> Reply:
        skills = self._store.skills()
        if "skill" in query:
            wanted = _first(query, "skill") or ""
            parse_id(wanted, "skill")
            skills = [s for s in skills if s.skill_id == wanted]
        return ok_reply(200, f"{len(skills)} records were found", [s.row() for s in skills])

    # -- changing ----------------------------------------------------------------------

    def _create(self, type_campaign: CampaignType, raw: bytes) -> Reply:
        changes = create_body(raw, self._skill_ids())
        columns = changes.columns
        row = self._store.create(
            CampaignData(
                campaign_name=columns["campaign_name"],
                campaign_description=columns["campaign_description"],
                type_campaign=type_campaign,
                status=LiveStatus.STOPPED,
                skill_id=columns.get("skill_id", ""),
                settings=tuple(sorted(changes.settings.items())),
                listed_from=self._time() + self._options.list_lag,
            )
        )
        return ok_reply(
            201,
            f"The {row.campaign_id} campaign_id has been created successfully",
            [{"id_campaign": str(row.campaign_id), "name_campaign": row.campaign_name}],
            committed=True,
        )

    def _start_stop(self, campaign: CampaignRow, *, started: bool) -> Reply:
        # Idempotent: starting a started campaign (or stopping a stopped one) succeeds.
        status = LiveStatus.STARTED if started else LiveStatus.STOPPED
        self._store.set_status(
            campaign.campaign_id, status, last_use=self._clock() if started else None
        )
        verb = "started" if started else "stopped"
        return ok_reply(
            202,
            f"The {campaign.campaign_id} campaign_id has been {verb} successfully",
            committed=True,
        )

    def _clear(self, campaign: CampaignRow, query: Mapping[str, list[str]]) -> Reply:
        result: str | None = None
        if "result" in query:
            result = _first(query, "result")
            if result not in RESULTS:
                raise Refused(
                    400, f"INVALID RESULT {result!r}: MUST BE ONE OF {', '.join(RESULTS)}"
                )
        # A started campaign may be cleared: the vendor's page does not forbid it.
        self._store.clear(campaign.campaign_id, result)
        which = "All records" if result is None else f"All records with result {result}"
        return ok_reply(
            202,
            f"{which} has been deleted of campaign_id {campaign.campaign_id} successfully",
            committed=True,
        )

    def _edit(self, campaign: CampaignRow, raw: bytes) -> Reply:
        changes = edit_body(raw, self._store.settings(campaign.campaign_id), self._skill_ids())
        self._store.update(campaign.campaign_id, changes.columns, changes.settings)
        edited = self._store.get(campaign.campaign_id)
        assert edited is not None
        return ok_reply(
            200,
            "Campaign has been updated successfully",
            [self._configuration(edited)],
            committed=True,
        )

    def _speed(self, campaign: CampaignRow, raw: bytes) -> Reply:
        self._store.update(campaign.campaign_id, {"speed": speed_body(raw)})
        return ok_reply(
            202,
            f"The speed of {campaign.campaign_id} campaign_id has been updated successfully",
            committed=True,
        )

    def _delete(
        self, type_campaign: CampaignType, query: Mapping[str, list[str]], raw: bytes
    ) -> Reply:
        if "campaign_id" in query:
            if raw.strip():
                raise Refused(400, "GIVE campaign_id IN THE URL OR campaign_ids IN THE BODY")
            campaign = self._campaign(query, type_campaign)
            if campaign.status is LiveStatus.STARTED:
                raise Refused(400, f"CAMPAIGN {campaign.campaign_id} IS STARTED: STOP IT FIRST")
            wanted = [campaign.campaign_id]
        else:
            wanted = delete_body(raw)
        by_id = {c.campaign_id: c for c in self._store.campaigns()}
        deleted: list[int] = []
        for campaign_id in wanted:
            found = by_id.pop(campaign_id, None)  # an id named twice fails the second time
            if (
                found is not None
                and found.type_campaign is type_campaign
                and found.status is LiveStatus.STOPPED
            ):
                deleted.append(campaign_id)
        if deleted:
            self._store.delete(deleted)
        failed = len(wanted) - len(deleted)
        reply = ok_reply(
            200,
            f"{len(deleted)} campaigns deleted successfully. {failed} operations failed.",
            committed=bool(deleted),
        )
        reply.body["code"] = "200"  # the collection shows this one code as text
        return reply

    # -- parameters --------------------------------------------------------------------

    def _skill_ids(self) -> frozenset[str]:
        return frozenset(s.skill_id for s in self._store.skills())

    def _configuration(self, c: CampaignRow) -> dict[str, Any]:
        """edit_campaign's data[0]: the whole configuration, every value a string."""
        settings = self._store.settings(c.campaign_id)
        return {
            "campaign_id": str(c.campaign_id),
            "campaign_name": c.campaign_name,
            "campaign_description": c.campaign_description,
            "type_camp": c.type_campaign.value.capitalize(),
            "enable_edition": settings["enable_edition"],
            "start_time": settings["start_time"],
            "end_time": settings["end_time"],
            "skill_id": c.skill_id,
            "amd_conf": settings["amd_conf"],
            "turbo_dial": "yes" if c.turbo_dial == "on" else "no",
            "routing_recall": settings["routing_recall"],
            "camp_dial_order": settings["camp_dial_order"],
            "optional_labels": {f"opt{n}": settings[f"opt{n}"] for n in range(13)},
        }

    @staticmethod
    def _type(query: Mapping[str, list[str]]) -> CampaignType:
        raw = _first(query, "type_campaign")
        if not raw:
            raise Refused(400, f"{MESSAGES['required']}: type_campaign")
        try:
            # The create page writes "Preview / Predictive": accept any case.
            return CampaignType(raw.strip().lower())
        except ValueError:
            raise Refused(
                400, f"INVALID type_campaign {raw!r}: MUST BE preview OR predictive"
            ) from None

    def _campaign(
        self, query: Mapping[str, list[str]], type_campaign: CampaignType | None
    ) -> CampaignRow:
        raw = _first(query, "campaign_id")
        if not raw:
            raise Refused(400, f"{MESSAGES['required']}: campaign_id")
        campaign_id = parse_id(raw)
        campaign = self._store.get(campaign_id) if campaign_id <= MAX_ID else None
        if campaign is None or type_campaign not in (None, campaign.type_campaign):
            kind = f"{type_campaign.value} " if type_campaign else ""
            raise Refused(404, f"THE {kind}CAMPAIGN WITH campaign_id {raw} DOES NOT EXIST")
        return campaign


def _first(query: Mapping[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None
