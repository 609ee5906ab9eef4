"""The wolkvox API client: five documented calls, translated errors, bounded retries.

What a caller can rely on:

- Every failure is an `errors.ApiError` subclass naming the call (`api=` name) and the
  campaign; httpx exceptions never escape, and no message contains the token.
- Idempotent calls (list, start, stop, clear) are retried on `ConcurrencyLimited` and
  `TransientError` with exponential backoff and full jitter, at most `retries` times.
- A create is never repeated once the request may have reached the server: when its
  answer is lost (timeout, dropped connection, 5xx, unreadable 2xx) it raises
  `OutcomeUnknown`, and the caller must re-read the live list before creating again. Only
  failures that prove nothing was done (could not connect; the documented 403 refusals of
  too many simultaneous requests or of a server backup) are retried.
- At most `max_in_flight` (1 or 2, the vendor's per-token limit) requests are in flight
  at once across every thread using the client; `calls` counts the requests that may have
  reached the server (retries included), which is what the vendor's daily quota counts.
"""

from __future__ import annotations

import json
import logging
import random
import re
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import httpx

from .desired import Operation
from .errors import (
    ApiError,
    AuthError,
    BadRequest,
    ConcurrencyLimited,
    ConfigError,
    NotFound,
    OutcomeUnknown,
    ProtocolError,
    QuotaExhausted,
    TransientError,
)
from .live import LiveCampaign
from .secret import Secret, token_from_env
from .vocabulary import RESULTS, CampaignType, LiveStatus

__all__ = ["API_PATH", "MAX_IN_FLIGHT", "TOKEN_HEADER", "WolkvoxClient", "endpoint_base_url"]

log = logging.getLogger("reconciler.client")

#: the vendor's documented limit of simultaneous requests per token
MAX_IN_FLIGHT = 2
TOKEN_HEADER = "wolkvox-token"
API_PATH = "/api/v2/"

#: list fields the live model holds in named attributes; every other field goes to `extra`
_LIST_FIELDS = frozenset(
    {"campaign_id", "campaign_name", "campaign_description", "type_campaign", "status", "records"}
)
#: DNS labels (plus `_`, which container service names use) or an IPv4 address
_HOSTNAME = re.compile(
    r"^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?$"
)
#: what a `wolkvox-token` header value may hold: visible ASCII, inner spaces and tabs
_HEADER_VALUE = re.compile(r"^[\x21-\x7e]([\x20-\x7e\t]*[\x21-\x7e])?$")
#: transport failures that prove the request never reached the server
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
#: how much of an unexpected body an error message quotes
_SNIPPET = 200


def endpoint_base_url(endpoint: str) -> str:
    """`--endpoint` (`scheme://host[:port]`, trailing slash optional) → the API base URL.

    `…/api/v2` itself is accepted too, since that is what the vendor pages print.
    """
    text = endpoint.strip()
    try:
        parts = urlsplit(text)
        port = parts.port  # raises ValueError on a non-numeric or out-of-range port
    except ValueError as exc:
        raise ConfigError(f"invalid endpoint {endpoint!r}: {exc}") from None
    problem = None
    if parts.scheme not in ("http", "https"):
        problem = "the scheme must be http or https"
    elif not parts.hostname:
        problem = "it has no host"
    elif ":" not in parts.hostname and not _HOSTNAME.match(parts.hostname):
        problem = f"{parts.hostname!r} is not a host name"
    elif parts.username is not None or parts.password is not None:
        problem = "credentials do not belong in the URL (the token comes from the environment)"
    elif parts.query or parts.fragment:
        problem = "it must not carry a query or a fragment"
    elif parts.path.rstrip("/") not in ("", API_PATH.rstrip("/")):
        problem = f"its path must be empty or {API_PATH}"
    if problem:
        raise ConfigError(
            f"invalid endpoint {endpoint!r}: {problem} (expected scheme://host[:port], "
            "e.g. http://127.0.0.1:8765)"
        )
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 literal keeps its brackets in a URL
        host = f"[{host}]"
    netloc = host if port is None else f"{host}:{port}"
    return f"{parts.scheme}://{netloc}{API_PATH}"


@dataclass(frozen=True)
class _Call:
    """One logical API call; it may take several HTTP attempts."""

    method: str
    script: str  # "information.php" or "campaign.php"
    api: str  # the vendor's `api=` name, as errors and logs name the call
    params: dict[str, str] = field(default_factory=dict)
    body: dict[str, str] | None = None
    campaign: str | None = None  # how errors name the campaign
    campaign_id: str | None = None
    create: bool = False

    def error(self, cls: type[ApiError], message: str, status_code: int | None = None) -> ApiError:
        return cls(message, call=self.api, campaign=self.campaign, status_code=status_code)


class WolkvoxClient:
    """A thread-safe client for one operation's token. Use it as a context manager."""

    def __init__(
        self,
        base_url: str,
        token: Secret,
        *,
        timeout: float = 60.0,
        max_in_flight: int = 1,
        retries: int = 4,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        random: Callable[[], float] = random.random,
        interrupted: threading.Event | None = None,
    ) -> None:
        """`interrupted`: once set (apply's Ctrl-C), a failed call is not retried and a
        wait before a retry ends at once: the call in flight finishes, nothing more."""
        if not 1 <= max_in_flight <= MAX_IN_FLIGHT:
            raise ConfigError(
                f"max_in_flight must be 1 or {MAX_IN_FLIGHT} (the vendor allows at most "
                f"{MAX_IN_FLIGHT} simultaneous requests per token), not {max_in_flight}"
            )
        if timeout <= 0:
            raise ConfigError(f"timeout must be positive, not {timeout}")
        if retries < 0:
            raise ConfigError(f"retries must be 0 or more, not {retries}")
        if backoff < 0 or max_backoff < 0:
            raise ConfigError("backoff and max_backoff must not be negative")
        if not token.reveal():
            raise ConfigError("the API token is empty")
        if not _HEADER_VALUE.match(token.reveal()):
            # httpx would crash on non-ASCII, and quote a control character's header in its
            # error (as bytes, escaped: out of reach of redaction). Never name the value.
            raise ConfigError(
                "the API token contains characters an HTTP header cannot carry (non-ASCII "
                "or control characters such as a newline): check the variable that holds it"
            )
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.timeout = timeout
        self.max_in_flight = max_in_flight
        self.retries = retries
        self._token = token
        self._backoff = backoff
        self._max_backoff = max_backoff
        self._sleep = sleep
        self._random = random
        self._interrupted = interrupted
        self._slots = threading.BoundedSemaphore(max_in_flight)
        self._count_lock = threading.Lock()
        self._calls = 0
        # No redirects: a redirect of a PUT/DELETE is never what the vendor documents, and
        # following one could send the token to another host.
        self._http = httpx.Client(
            base_url=self.base_url,
            headers={TOKEN_HEADER: token.reveal(), "Accept": "application/json"},
            timeout=timeout,
            transport=transport,
            follow_redirects=False,
            verify=_tls_context(),
        )

    @classmethod
    def for_operation(
        cls,
        operation: Operation,
        *,
        endpoint: str | None = None,
        environ: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> WolkvoxClient:
        """The client for `operation`: `endpoint` (from `--endpoint` / `WOLKVOX_ENDPOINT`)
        wins over `operation.server`; the token comes from `operation.token_env`. Every
        configuration error is raised here, before any request."""
        if endpoint is not None and endpoint.strip():
            base_url = endpoint_base_url(endpoint)
        elif operation.base_url is not None:
            try:
                base_url = endpoint_base_url(operation.base_url)
            except ConfigError:
                raise ConfigError(
                    f"invalid operation.server {operation.server!r}: it must be the server's "
                    "nomenclature, as in https://wv{server}.wolkvox.com"
                ) from None
        else:
            raise ConfigError(
                "no API endpoint: declare operation.server in a manifest, or pass "
                "--endpoint URL (or set WOLKVOX_ENDPOINT)"
            )
        token = token_from_env(operation.token_env, None if environ is None else dict(environ))
        return cls(base_url, token, **kwargs)

    # -- the five documented calls --------------------------------------------------------

    def list_campaigns(self) -> list[LiveCampaign]:
        """Every campaign of the operation (`GET information.php?api=campaigns`)."""
        call = _Call("GET", "information.php", "campaigns", {"api": "campaigns"})
        body = self._send(call)
        data = body.get("data")
        if data is None and _reports_zero_records(body.get("msg")):
            return []
        if not isinstance(data, list):
            raise call.error(
                ProtocolError, f"expected `data` to be a list of campaigns, got {_kind(data)}"
            )
        return [self._live(call, index, row) for index, row in enumerate(data)]

    def create_campaign(
        self, type: CampaignType, params: Mapping[str, str], *, campaign: str
    ) -> str:
        """Create a campaign; returns its new campaign_id. Never repeated once it may have
        reached the server: see `OutcomeUnknown`."""
        kind = CampaignType(type)
        call = _Call(
            "POST",
            "campaign.php",
            "create_campaign",
            {"api": "create_campaign", "type_campaign": kind.value},
            body=dict(params),
            campaign=campaign,
            create=True,
        )
        body = self._send(call)
        new_id = _created_id(body)
        if new_id is None:
            # The vendor said yes but not to what: the campaign most likely exists now.
            raise call.error(
                OutcomeUnknown,
                "the create was answered without a campaign id (expected "
                f"data[0].id_campaign), got {_snippet(self._token.redact(json.dumps(body)))}; "
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

    # -- bookkeeping ----------------------------------------------------------------------

    @property
    def calls(self) -> int:
        """HTTP requests that may have reached the server (retries included)."""
        with self._count_lock:
            return self._calls

    def close(self) -> None:
        self._http.close()

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
        type: CampaignType,
        campaign_id: str,
        campaign: str | None,
    ) -> _Call:
        kind = CampaignType(type)
        campaign_id = str(campaign_id).strip()
        label = f"{campaign} (id {campaign_id})" if campaign else (campaign_id or None)
        call = _Call(
            method,
            "campaign.php",
            api,
            {"api": api, "type_campaign": kind.value, "campaign_id": campaign_id},
            campaign=label,
            campaign_id=campaign_id,
        )
        if not campaign_id:
            raise call.error(BadRequest, "no campaign_id given")
        return call

    def _send(self, call: _Call) -> dict[str, Any]:
        """The call's parsed 2xx body, after at most `retries` retries of retryable errors."""
        attempts = self.retries + 1
        for attempt in range(1, attempts + 1):
            try:
                return self._attempt(call, attempt, attempts)
            except ApiError as exc:
                if not exc.retryable:
                    raise
                if attempt == attempts:
                    raise _with_note(exc, f"gave up after {attempts} attempts") from None
                if self._is_interrupted():
                    raise _with_note(
                        exc, f"not retried: interrupted after attempt {attempt}"
                    ) from None
                # Full jitter: spreads out two threads (or two CI jobs) that failed together.
                ceiling = min(self._max_backoff, self._backoff * 2 ** (attempt - 1))
                delay = self._random() * ceiling
                log.debug(
                    "%s %s: %s; retrying in %.2f s (attempt %d of %d)",
                    call.method,
                    call.api,
                    type(exc).__name__,
                    delay,
                    attempt + 1,
                    attempts,
                )
                if self._interrupted is None:
                    self._sleep(delay)
                elif self._interrupted.wait(delay):  # ends early on Ctrl-C
                    raise _with_note(
                        exc, f"not retried: interrupted after attempt {attempt}"
                    ) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _is_interrupted(self) -> bool:
        return self._interrupted is not None and self._interrupted.is_set()

    def _attempt(self, call: _Call, attempt: int, attempts: int) -> dict[str, Any]:
        started = time.monotonic()
        outcome = "?"
        try:
            with self._slots:
                response = self._request(call)
            outcome = str(response.status_code)
            return self._interpret(call, response)
        except httpx.RequestError as exc:
            outcome = type(exc).__name__
            raise self._transport_error(call, exc) from None
        finally:
            log.info(
                "%s %s campaign_id=%s -> %s in %d ms (attempt %d of %d)",
                call.method,
                call.api,
                call.campaign_id or "-",
                outcome,
                round((time.monotonic() - started) * 1000),
                attempt,
                attempts,
            )

    def _request(self, call: _Call) -> httpx.Response:
        try:
            response = self._http.request(
                call.method, call.script, params=call.params, json=call.body
            )
        except _NOT_SENT:
            raise  # never left this machine: the vendor neither saw nor counted it
        except httpx.RequestError:  # it left: the server may have seen and counted it
            self._count()
            raise
        self._count()
        return response

    def _count(self) -> None:
        with self._count_lock:
            self._calls += 1

    def _transport_error(self, call: _Call, exc: httpx.RequestError) -> ApiError:
        detail = self._token.redact(str(exc) or type(exc).__name__)
        if isinstance(exc, _NOT_SENT):
            # Nothing was sent, so even a create may be retried.
            return call.error(TransientError, f"could not connect to {self.base_url}: {detail}")
        if not isinstance(exc, httpx.TransportError):  # an answer came, but unreadable
            what = f"the answer could not be read ({type(exc).__name__}: {detail})"
            if call.create:
                return call.error(OutcomeUnknown, _unknown(what))
            return call.error(ProtocolError, what)
        if isinstance(exc, httpx.TimeoutException):
            what = f"no answer within {self.timeout:g} s ({type(exc).__name__})"
        else:
            what = f"the connection failed ({type(exc).__name__}: {detail})"
        if call.create:
            return call.error(OutcomeUnknown, _unknown(what))
        return call.error(TransientError, what)

    def _interpret(self, call: _Call, response: httpx.Response) -> dict[str, Any]:
        try:
            body: Any = response.json()
        except (ValueError, httpx.DecodingError):
            body = None
        if 200 <= response.status_code < 300:
            return self._success(call, response, body)
        raise self._failure(call, response, body)

    def _failure(self, call: _Call, response: httpx.Response, body: Any) -> ApiError:
        """The error a non-2xx answer means (see the tree in `errors`)."""
        status = response.status_code
        message = self._token.redact(_message(body, response.text))
        upper = message.upper()
        if 300 <= status < 400:
            where = response.headers.get("location", "?")
            return call.error(
                ProtocolError,
                f"redirected to {where}; is the endpoint right (http or https, host)?",
                status,
            )
        if status == 401:
            return call.error(AuthError, f"{message} (check the token)", status)
        if status == 403:
            if "TOKEN LIMIT" in upper:
                return call.error(QuotaExhausted, message, status)
            if "SIMULTANEOUS" in upper:
                return call.error(ConcurrencyLimited, message, status)
            if "VALIDATE TOKEN" in upper or "WOLKVOX-TOKEN" in upper:
                return call.error(AuthError, f"{message} (check the token)", status)
            # The vendor also answers 403 during server backups: a refusal, nothing done,
            # so it is retried (a create too).
            return call.error(TransientError, message, status)
        if status == 429:  # undocumented, but it can only mean "too many at once"
            return call.error(ConcurrencyLimited, message, status)
        if status >= 500:
            if call.create:
                return call.error(OutcomeUnknown, _unknown(message), status)
            return call.error(TransientError, message, status)
        if call.campaign_id is not None and (
            status == 404
            or "CAMPAIGN" in upper
            or re.search(rf"\b{re.escape(call.campaign_id)}\b", message)
        ):
            return call.error(NotFound, message, status)
        return call.error(BadRequest, message, status)

    def _success(self, call: _Call, response: httpx.Response, body: Any) -> dict[str, Any]:
        cls: type[ApiError] = OutcomeUnknown if call.create else ProtocolError

        def fail(problem: str) -> ApiError:
            if call.create:
                problem = _unknown(problem)
            return call.error(cls, problem, response.status_code)

        if not isinstance(body, dict):
            shown = _snippet(self._token.redact(response.text))
            raise fail(f"the answer is not a JSON object: {shown!r}")
        if body.get("error") is not None:
            error = self._token.redact(_message(body, ""))
            raise fail(f"the answer reports an error despite HTTP success: {error}")
        code = _code(body.get("code"))
        if code is not None and code >= 400:
            raise fail(f"the answer carries error code {code}: {_message(body, '')}")
        return body

    def _live(self, call: _Call, index: int, row: Any) -> LiveCampaign:
        if not isinstance(row, dict):
            raise call.error(ProtocolError, f"data[{index}] is {_kind(row)}, not a campaign")
        campaign_id = _text(row.get("campaign_id"))
        name = _text(row.get("campaign_name"))
        who = f"campaign {name or '?'} (id {campaign_id or '?'}, data[{index}])"

        def bad(problem: str) -> ApiError:
            return call.error(ProtocolError, f"{who}: {problem}")

        if not campaign_id:
            raise bad("field campaign_id is missing or empty")
        if name is None:
            raise bad("field campaign_name is missing")
        type_text = _text(row.get("type_campaign"))
        try:
            kind = CampaignType((type_text or "").strip().lower())
        except ValueError:
            raise bad(
                f"field type_campaign is {row.get('type_campaign')!r}, not preview or predictive"
            ) from None
        try:
            status = LiveStatus.parse(_text(row.get("status")) or "")
        except ValueError:
            raise bad(f"field status is {row.get('status')!r}, not Started or Stopped") from None
        records = _records(row.get("records"))
        if records is None:
            raise bad(f"field records is {row.get('records')!r}, not a number of records")
        extra = tuple(
            (str(key), "" if value is None else str(value))
            for key, value in row.items()
            if key not in _LIST_FIELDS
        )
        return LiveCampaign(
            campaign_id=campaign_id,
            name=name,
            type=kind,
            status=status,
            records=records,
            description=_text(row.get("campaign_description")) or "",
            extra=extra,
        )


@cache
def _tls_context() -> ssl.SSLContext:
    """httpx's default verifying context, built once: loading the CA bundle takes tens of
    milliseconds, and a run (or a test suite) makes many clients."""
    return httpx.create_ssl_context()


def _with_note(exc: ApiError, note: str) -> ApiError:
    return type(exc)(
        f"{exc.message} ({note})",
        call=exc.call,
        campaign=exc.campaign,
        status_code=exc.status_code,
    )


def _unknown(what: str) -> str:
    return (
        f"{what}; the create may or may not have happened: re-read the live list "
        "before creating it again"
    )


def _text(value: Any) -> str | None:
    """A list field as text: the vendor sends strings, a number is tolerated."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _records(value: Any) -> int | None:
    """`records` as a count: "" means 0 (the vendor's sample sends ""), else digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value >= 0 else None
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return 0
    return int(text) if text.isascii() and text.isdigit() else None


def _code(value: Any) -> int | None:
    """`code` is documented as int, sent as "202" or "" too."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _created_id(body: Mapping[str, Any]) -> str | None:
    """`data[0].id_campaign` — or `id_campaing`, as the create page's table spells it."""
    data = body.get("data")
    row = data[0] if isinstance(data, list) and data else data
    if not isinstance(row, dict):
        return None
    for key in ("id_campaign", "id_campaing"):
        value = _text(row.get(key))
        if value is not None and value.strip():
            return value.strip()
    return None


_ZERO_RECORDS = re.compile(r"^\s*0\s+records?\b", re.IGNORECASE)


def _reports_zero_records(msg: Any) -> bool:
    """An empty operation may come back without `data`; only "0 records…" proves it is
    empty (an absent list read as empty would make a plan create every campaign)."""
    return isinstance(msg, str) and bool(_ZERO_RECORDS.match(msg))


def _message(body: Any, text: str) -> str:
    """The vendor's own words: `msg` and `error` of a JSON body, else the start of the text."""
    if isinstance(body, dict):
        parts = [
            str(body[key]).strip() for key in ("error", "msg") if body.get(key) not in (None, "")
        ]
        if parts:
            return ": ".join(dict.fromkeys(parts))
    text = " ".join(re.sub(r"<[^>]*>", " ", text).split())
    return _snippet(text) or "no message"


def _snippet(text: str) -> str:
    return text if len(text) <= _SNIPPET else text[:_SNIPPET] + "…"


def _kind(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__
