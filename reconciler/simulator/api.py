"""The five vendor endpoints, as plain functions of a request: no sockets here.

The HTTP server (`server.py`) authenticates, applies the limits and faults, then asks
`Api.handle` for the answer. Every body is `{code, error, msg[, data]}`, `error` null
on success and set on every error, as the vendor's pages show.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..vocabulary import RESULTS, CampaignType, LiveStatus
from .store import CampaignData, CampaignRow, Store

__all__ = [
    "CAMPAIGN_PATH",
    "INFORMATION_PATH",
    "MESSAGES",
    "Api",
    "Reply",
    "error_reply",
]

INFORMATION_PATH = "/api/v2/information.php"
CAMPAIGN_PATH = "/api/v2/campaign.php"

#: The vendor's documented error messages, word for word.
MESSAGES = {
    "no_api": "THE API YOU WANT TO CONSULT DOES NOT EXIST",
    "required": "SOME PARAMETERS ARE REQUIRED",
    "no_token": "PLEASE ENTER THE WOLKVOX-TOKEN",
    "bad_token": "PLEASE VALIDATE TOKEN",
    "quota": "TOKEN LIMIT EXCEEDED",
    "concurrency": "EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN ({limit})",
}

_REASONS = {
    400: "BAD REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT FOUND",
    405: "METHOD NOT ALLOWED",
    500: "INTERNAL SERVER ERROR",
    503: "SERVICE UNAVAILABLE",
}

#: (path, api) → the one method the vendor documents for it
_ROUTES: Mapping[tuple[str, str], str] = {
    (INFORMATION_PATH, "campaigns"): "GET",
    (CAMPAIGN_PATH, "create_campaign"): "POST",
    (CAMPAIGN_PATH, "start"): "PUT",
    (CAMPAIGN_PATH, "stop"): "PUT",
    (CAMPAIGN_PATH, "clear_campaign"): "DELETE",
}

#: the create body's documented fields
_CREATE_FIELDS = (
    "campaign_name",
    "campaign_description",
    "start_time",
    "end_time",
    "skill_id",
    *(f"opt{n}" for n in range(1, 13)),
    "enable_edition",
)
_HHMMSS = re.compile(r"^([01]\d|2[0-3])[0-5]\d[0-5]\d$")


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict[str, Any]
    #: True when the request changed the store (what --drop-after-commit-rate drops)
    committed: bool = False
    headers: tuple[tuple[str, str], ...] = field(default=())


def error_reply(status: int, msg: str, headers: tuple[tuple[str, str], ...] = ()) -> Reply:
    return Reply(status, {"code": status, "error": _REASONS[status], "msg": msg}, headers=headers)


class _Refused(Exception):
    """Raised inside a handler: answer with this error, change nothing."""

    def __init__(self, status: int, msg: str) -> None:
        super().__init__(msg)
        self.reply = error_reply(status, msg)


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


class Api:
    def __init__(self, store: Store, *, clock: Callable[[], str] = _now) -> None:
        self._store = store
        self._clock = clock

    def handle(self, method: str, path: str, query: Mapping[str, list[str]], body: bytes) -> Reply:
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
            if api == "campaigns":
                return self._list()
            type_campaign = self._type(query)
            if api == "create_campaign":
                return self._create(type_campaign, body)
            campaign = self._campaign(query, type_campaign)
            if api == "clear_campaign":
                return self._clear(campaign, query)
            return self._start_stop(campaign, started=api == "start")
        except _Refused as refused:
            return refused.reply

    # -- the five endpoints ----------------------------------------------------------

    def _list(self) -> Reply:
        rows = [c.list_row() for c in self._store.campaigns()]
        return Reply(
            200,
            {"code": 200, "error": None, "msg": f"{len(rows)} records were found", "data": rows},
        )

    def _create(self, type_campaign: CampaignType, raw: bytes) -> Reply:
        fields = _create_body(raw)
        row = self._store.create(
            CampaignData(
                campaign_name=fields["campaign_name"],
                campaign_description=fields.get("campaign_description", ""),
                type_campaign=type_campaign,
                status=LiveStatus.STOPPED,
                settings=tuple((k, v) for k, v in sorted(fields.items()) if k not in _LIST_FIELDS),
            )
        )
        return Reply(
            201,
            {
                "code": 201,
                "error": None,
                "msg": f"The {row.campaign_id} campaign_id has been created successfully",
                "data": [{"id_campaign": str(row.campaign_id), "name_campaign": row.campaign_name}],
            },
            committed=True,
        )

    def _start_stop(self, campaign: CampaignRow, *, started: bool) -> Reply:
        # Idempotent: starting a started campaign (or stopping a stopped one) succeeds.
        status = LiveStatus.STARTED if started else LiveStatus.STOPPED
        self._store.set_status(
            campaign.campaign_id, status, last_use=self._clock() if started else None
        )
        verb = "started" if started else "stopped"
        return Reply(
            202,
            {
                "code": 202,
                "error": None,
                "msg": f"The {campaign.campaign_id} campaign_id has been {verb} successfully",
            },
            committed=True,
        )

    def _clear(self, campaign: CampaignRow, query: Mapping[str, list[str]]) -> Reply:
        result: str | None = None
        if "result" in query:
            result = _first(query, "result")
            if result not in RESULTS:
                raise _Refused(
                    400, f"INVALID RESULT {result!r}: MUST BE ONE OF {', '.join(RESULTS)}"
                )
        # A started campaign may be cleared: the vendor's page does not forbid it.
        self._store.clear(campaign.campaign_id, result)
        which = "All records" if result is None else f"All records with result {result}"
        return Reply(
            202,
            {
                "code": 202,
                "error": None,
                "msg": f"{which} has been deleted of campaign_id {campaign.campaign_id} "
                "successfully",
            },
            committed=True,
        )

    # -- parameters ------------------------------------------------------------------

    @staticmethod
    def _type(query: Mapping[str, list[str]]) -> CampaignType:
        raw = _first(query, "type_campaign")
        if not raw:
            raise _Refused(400, f"{MESSAGES['required']}: type_campaign")
        try:
            # The create page writes "Preview / Predictive": accept any case.
            return CampaignType(raw.strip().lower())
        except ValueError:
            raise _Refused(
                400, f"INVALID type_campaign {raw!r}: MUST BE preview OR predictive"
            ) from None

    def _campaign(self, query: Mapping[str, list[str]], type_campaign: CampaignType) -> CampaignRow:
        raw = _first(query, "campaign_id")
        if not raw:
            raise _Refused(400, f"{MESSAGES['required']}: campaign_id")
        if not raw.isdigit():
            raise _Refused(400, f"INVALID campaign_id {raw!r}: MUST BE NUMERIC")
        campaign = self._store.get(int(raw))
        if campaign is None or campaign.type_campaign is not type_campaign:
            raise _Refused(
                404, f"THE {type_campaign.value} CAMPAIGN WITH campaign_id {raw} DOES NOT EXIST"
            )
        return campaign


_LIST_FIELDS = ("campaign_name", "campaign_description")


def _first(query: Mapping[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


def _create_body(raw: bytes) -> dict[str, str]:
    """The create body, checked strictly so that a client's mistake shows here first."""
    try:
        body = json.loads(raw.decode("utf-8")) if raw.strip() else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _Refused(400, "THE BODY MUST BE A JSON OBJECT") from None
    if not isinstance(body, dict):
        raise _Refused(400, f"{MESSAGES['required']}: campaign_name (JSON body)")
    unknown = sorted(set(body) - set(_CREATE_FIELDS))
    if unknown:
        raise _Refused(400, f"UNKNOWN PARAMETERS: {', '.join(map(str, unknown))}")
    not_strings = sorted(k for k, v in body.items() if not isinstance(v, str))
    if not_strings:
        raise _Refused(400, f"PARAMETERS MUST BE STRINGS: {', '.join(not_strings)}")
    # JSON may escape a lone surrogate ("\ud800"): no UTF-8 text, so nothing to store
    not_text = sorted(k for k, v in body.items() if not _is_text(v))
    if not_text:
        raise _Refused(400, f"PARAMETERS MUST BE VALID UNICODE TEXT: {', '.join(not_text)}")
    if not body.get("campaign_name", "").strip():
        raise _Refused(400, f"{MESSAGES['required']}: campaign_name")
    for key in ("start_time", "end_time"):
        if body.get(key) and not _HHMMSS.match(body[key]):
            raise _Refused(400, f"INVALID {key} {body[key]!r}: EXPECTED HHMMSS")
    if body.get("skill_id") and not body["skill_id"].isdigit():
        raise _Refused(400, f"INVALID skill_id {body['skill_id']!r}: MUST BE NUMERIC")
    edition = body.get("enable_edition", "")
    if edition and edition.lower() not in ("yes", "no"):
        raise _Refused(400, f"INVALID enable_edition {edition!r}: MUST BE yes OR no")
    return dict(body)


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
