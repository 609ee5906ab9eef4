"""`WolkvoxClient`: the documented calls, each one logical `Call` sent with retries."""

from __future__ import annotations

import json
import math
import random as _random
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from types import TracebackType
from typing import Any, TypeVar

import httpx

from ..errors import (
    ApiError,
    AuthError,
    BadRequest,
    ConfigError,
    NotFound,
    OutcomeUnknown,
    ProtocolError,
    QuotaExhausted,
    TransientError,
)
from ..secret import Secret
from ..vocabulary import RESULTS, CampaignType
from . import answers
from .answers import BadAnswer, Skill, TokenInfo
from .live import LiveCampaign
from .request import GONE_ON_RETRY, Call, campaign_label
from .retry import RetryPolicy, send_with_retries
from .session import Session

__all__ = ["EDIT_FIELDS", "WolkvoxClient"]

#: the body fields `edit_campaign` documents (all optional: send only what changes)
EDIT_FIELDS = frozenset(
    {
        "campaign_name",
        "campaign_description",
        "type_camp",
        "enable_edition",
        "start_time",
        "end_time",
        "skill_id",
        "amd_conf",
        "turbo_dial",
        "routing_recall",
        "camp_dial_order",
        "optional_labels",
    }
)
#: the keys `optional_labels` may hold
LABELS = frozenset(f"opt{n}" for n in range(13))

T = TypeVar("T")


class WolkvoxClient:
    """A thread-safe client for one operation's token. Use it as a context manager.

    `retry` is the `RetryPolicy`; `retries`, `backoff` and `max_backoff`, when given,
    override its fields (the keywords of earlier versions).
    """

    def __init__(
        self,
        base_url: str,
        token: Secret,
        *,
        timeout: float = 60.0,
        max_in_flight: int = 1,
        retry: RetryPolicy | None = None,
        retries: int | None = None,
        backoff: float | None = None,
        max_backoff: float | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] | None = None,
        random: Callable[[], float] = _random.random,
        interrupted: threading.Event | None = None,
    ) -> None:
        """`sleep` waits before a retry (default `time.sleep`). `interrupted`: once set
        (apply's Ctrl-C), a failed call is not retried and a wait before a retry ends at
        once: the call in flight finishes, nothing more."""
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
            raise ConfigError(f"timeout must be a number of seconds, not {timeout!r}")
        if not (math.isfinite(timeout) and timeout > 0):
            raise ConfigError(f"timeout must be a positive number of seconds, not {timeout}")
        policy = retry or RetryPolicy()
        self.retry = RetryPolicy(
            retries=policy.retries if retries is None else retries,
            base=policy.base if backoff is None else backoff,
            cap=policy.cap if max_backoff is None else max_backoff,
        )
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.timeout = timeout
        self.max_in_flight = max_in_flight
        self._token = token
        self._sleep = time.sleep if sleep is None else sleep
        self._random = random
        self._interrupted = interrupted
        self._session = Session(
            self.base_url,
            token,
            timeout=timeout,
            max_in_flight=max_in_flight,
            transport=transport,
        )

    @property
    def retries(self) -> int:
        return self.retry.retries

    # -- campaign.php: the campaign list -------------------------------------------------

    def list_campaigns(self, campaign_id: str | None = None) -> list[LiveCampaign]:
        """Every campaign of the operation (`GET information.php?api=campaigns`), or only
        the one with `campaign_id` (`&campaign=ID`; rows of other ids are dropped, should
        a server ignore the filter)."""
        params = {"api": "campaigns"}
        wanted = None
        if campaign_id is not None:
            wanted = str(campaign_id).strip()
            params["campaign"] = wanted
        call = Call("GET", "information.php", "campaigns", params, campaign_id=wanted)
        if wanted is not None:
            call = replace(call, campaign=wanted)
            if not wanted:
                raise call.error(BadRequest, "no campaign_id given")
        rows = self._parsed(call, answers.campaigns, self._send(call))
        return rows if wanted is None else [r for r in rows if r.campaign_id == wanted]

    # -- campaign.php: create, start, stop, clear, edit, speed, delete -----------------

    def create_campaign(
        self, type: CampaignType, params: Mapping[str, str], *, campaign: str
    ) -> str:
        """Create a campaign; returns its new campaign_id. Never repeated once it may have
        reached the server: see `OutcomeUnknown`."""
        kind = CampaignType(type)
        call = Call(
            "POST",
            "campaign.php",
            "create_campaign",
            {"api": "create_campaign", "type_campaign": kind.value},
            body=dict(params),
            campaign=campaign,
            create=True,
        )
        body = self._send(call)
        new_id = answers.created_id(body)
        if new_id is None:
            # The vendor said yes but not to what: the campaign most likely exists now.
            raise call.error(
                OutcomeUnknown,
                "the create was answered without a campaign id (expected "
                f"data[0].id_campaign), got {answers.quote(json.dumps(body), self._token)}; "
                "the campaign may exist now: re-read the live list before creating it again",
            )
        return new_id

    def start(self, type: CampaignType, campaign_id: str, *, campaign: str | None = None) -> None:
        """Start (launch) a campaign (`PUT campaign.php?api=start`)."""
        self._send(self._campaign_call("PUT", "start", type, campaign_id, campaign))

    def stop(self, type: CampaignType, campaign_id: str, *, campaign: str | None = None) -> None:
        """Stop (pause) a campaign (`PUT campaign.php?api=stop`)."""
        self._send(self._campaign_call("PUT", "stop", type, campaign_id, campaign))

    def clear(
        self,
        type: CampaignType,
        campaign_id: str,
        result: str | None = None,
        *,
        campaign: str | None = None,
    ) -> None:
        """Delete every record of a campaign, or only those whose result is `result`."""
        call = self._campaign_call("DELETE", "clear_campaign", type, campaign_id, campaign)
        if result is not None:
            if result not in RESULTS:
                raise call.error(
                    BadRequest,
                    f"invalid result filter {result!r}; the vendor accepts one of: "
                    + ", ".join(RESULTS),
                )
            call.params["result"] = result
        self._send(call)

    def edit_campaign(
        self, campaign_id: str, fields: Mapping[str, Any], *, campaign: str | None = None
    ) -> dict[str, Any]:
        """Change the given fields in place (`PUT campaign.php?api=edit_campaign`); the body
        holds exactly `fields`. Returns `data[0]`, the configuration after the edit.
        Idempotent, so retried like start and stop."""
        call = self._campaign_call("PUT", "edit_campaign", None, campaign_id, campaign)
        unknown = sorted(str(key) for key in fields if key not in EDIT_FIELDS)
        if not fields:
            raise call.error(BadRequest, "no fields to edit")
        if unknown:
            raise call.error(
                BadRequest,
                f"edit_campaign has no field {', '.join(map(repr, unknown))}; it documents: "
                + ", ".join(sorted(EDIT_FIELDS)),
            )
        for key, value in fields.items():
            problem = _edit_value_problem(key, value)
            if problem:
                raise call.error(BadRequest, f"field {key}: {problem}")
        body = self._send(replace(call, body=dict(fields)))
        cid = call.campaign_id or ""
        return self._parsed(call, lambda b, s: answers.edited_config(b, cid, s), body)

    def set_speed(self, campaign_id: str, speed: int, *, campaign: str | None = None) -> None:
        """Set the dialing speed, 0 to 100 (`PUT campaign.php?api=speed`, body
        `{"speed": "N"}`). Idempotent, so retried like start and stop."""
        call = self._campaign_call("PUT", "speed", None, campaign_id, campaign)
        if isinstance(speed, bool) or not isinstance(speed, int) or not 0 <= speed <= 100:
            raise call.error(BadRequest, f"speed must be a whole number 0 to 100, not {speed!r}")
        self._send(replace(call, body={"speed": str(speed)}))

    def delete_campaign(
        self, type: CampaignType, campaign_id: str, *, campaign: str | None = None
    ) -> None:
        """Delete a campaign, irreversibly (`DELETE campaign.php?api=delete_campaign`).

        Done means the vendor said so: the documented "X campaigns deleted" answer, or, when
        a retry after an attempt that may have reached the server answers not found (or
        "0 campaigns deleted", or "is started"), a list that no longer shows the campaign.
        Anything else is a failure in the vendor's words. On the first attempt a not found
        is raised: the campaign was not there.
        """
        call = self._campaign_call("DELETE", "delete_campaign", type, campaign_id, campaign)
        body = self._send(replace(call, gone_on_retry=True, refusal=answers.delete_refusal))
        if GONE_ON_RETRY not in body:
            return
        if any(lc.campaign_id == campaign_id for lc in self.list_campaigns(campaign_id)):
            said = body[GONE_ON_RETRY]
            raise call.error(
                BadRequest,
                f"not deleted: an earlier attempt's answer was lost, the retry answered "
                f"{said!r}, and the list still shows the campaign",
            )

    def delete_campaigns(
        self, type: CampaignType, campaign_ids: Sequence[str], *, campaigns: Sequence[str] = ()
    ) -> dict[str, str | None]:
        """Delete several campaigns of one type in one call, the collection's newer form
        (`DELETE campaign.php?api=delete_campaign&type_campaign=T` with the body
        `{"campaign_ids": [...]}`): id → None when it is gone, else why not.

        The answer only counts ("X campaigns deleted successfully. F operations failed."),
        so anything but all deleted and none failed is checked against the list (1 more
        call): an id the list no longer shows is gone. An answer that proves nothing was done
        (auth, quota, a 400) fails them all; a lost answer is settled by the list too.
        """
        ids = [str(cid).strip() for cid in campaign_ids]
        names = ", ".join(campaigns) if campaigns else ", ".join(ids)
        call = Call(
            "DELETE",
            "campaign.php",
            "delete_campaign",
            {"api": "delete_campaign", "type_campaign": CampaignType(type).value},
            body={"campaign_ids": ids},
            campaign=f"{len(ids)} campaigns ({names})"[:300],
            gone_on_retry=True,
        )
        why = ""
        try:
            body = self._send(call)
        except (AuthError, QuotaExhausted, BadRequest):
            raise
        except (OutcomeUnknown, TransientError, NotFound, ProtocolError) as exc:
            why = str(exc)
        else:
            counted = answers.deleted_counts(body)
            if counted == (len(ids), 0):
                return dict.fromkeys(ids)
            why = f"the vendor answered {answers.vendor_message(body, '', self._token)!r}"
        listed = {lc.campaign_id for lc in self.list_campaigns()}
        return {cid: (f"not deleted: {why}" if cid in listed else None) for cid in ids}

    # -- information.php: token_info, skills -------------------------------------------

    def token_info(self) -> TokenInfo:
        """The token's daily budget (`GET information.php?api=token_info`; costs 1 call)."""
        call = Call("GET", "information.php", "token_info", {"api": "token_info"})
        return self._parsed(call, answers.token_info, self._send(call))

    def skills(self) -> list[Skill]:
        """The operation's skills (`GET information.php?api=skills`)."""
        call = Call("GET", "information.php", "skills", {"api": "skills"})
        return self._parsed(call, answers.skills, self._send(call))

    # -- bookkeeping ----------------------------------------------------------------------

    @property
    def calls(self) -> int:
        """HTTP requests that may have reached the server (retries included)."""
        return self._session.calls

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> WolkvoxClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"WolkvoxClient({self.base_url!r}, token={self._token!r})"

    # -- internals ------------------------------------------------------------------------

    def _campaign_call(
        self,
        method: str,
        api: str,
        type: CampaignType | None,
        campaign_id: str,
        campaign: str | None,
    ) -> Call:
        """A call on one campaign: `api`, [`type_campaign`,] `campaign_id`, in that order."""
        params = {"api": api}
        if type is not None:
            params["type_campaign"] = CampaignType(type).value
        campaign_id = str(campaign_id).strip()
        params["campaign_id"] = campaign_id
        call = Call(
            method,
            "campaign.php",
            api,
            params,
            campaign=campaign_label(campaign, campaign_id),
            campaign_id=campaign_id,
        )
        if not campaign_id:
            raise call.error(BadRequest, "no campaign_id given")
        return call

    def _send(self, call: Call) -> dict[str, Any]:
        """The call's parsed 2xx body, after at most `retry.retries` retries."""
        return send_with_retries(
            call,
            lambda number, attempts: self._session.attempt(call, number, attempts),
            self.retry,
            sleep=self._sleep,
            random=self._random,
            interrupted=self._interrupted,
        )

    def _parsed(
        self, call: Call, parse: Callable[[dict[str, Any], Secret], T], body: dict[str, Any]
    ) -> T:
        try:
            return parse(body, self._token)
        except BadAnswer as exc:
            error: ApiError = call.error(ProtocolError, self._token.redact(str(exc)))
            raise error from None


def _edit_value_problem(key: str, value: Any) -> str | None:
    if key != "optional_labels":
        return None if isinstance(value, str) else f"expected text, got {type(value).__name__}"
    if not isinstance(value, Mapping):
        return f"expected an object of labels opt0 to opt12, got {type(value).__name__}"
    for label, text in value.items():
        if label not in LABELS:
            return f"{label!r} is not one of opt0 to opt12"
        if not isinstance(text, str):
            return f"label {label} must be text, not {type(text).__name__}"
    return None
