"""What a failed attempt means: one table from HTTP status, the vendor's documented 403
words, or a transport failure, to the error class (see the tree in `errors`).

Each row also says whether the request may have *acted*. That decides two things: a
create that may have acted is never repeated (`OutcomeUnknown`), and a delete retried
after an attempt that may have acted takes a `NotFound` as "already gone".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx

from ..errors import (
    ApiError,
    AuthError,
    BadRequest,
    ConcurrencyLimited,
    NotFound,
    OutcomeUnknown,
    ProtocolError,
    QuotaExhausted,
    TransientError,
)
from ..secret import Secret
from .answers import envelope_problem, quote, vendor_message
from .request import Call, Failed

__all__ = ["NOT_SENT", "Failed", "http_failure", "success_failure", "transport_failure"]

#: transport failures that prove the request never reached the server
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)

CHECK_TOKEN = " (check the token)"
_MAINTENANCE = " (the vendor refuses calls during maintenance and backups: try again later)"
_AT_CAPACITY = (
    " (the operation is at the capacity its licences allow: add licences, or free records "
    "or campaigns)"
)


@dataclass(frozen=True)
class _Row:
    statuses: range
    words: str | None  # documented words the message must contain (upper case), or any
    error: type[ApiError]
    may_have_acted: bool
    advice: str = ""


#: HTTP status (and words) → error class; the first row that matches wins. 3xx, a 2xx
#: that is no success, and the NotFound rule are decided in `http_failure` itself.
HTTP_FAILURES: tuple[_Row, ...] = (
    _Row(range(401, 402), None, AuthError, False, CHECK_TOKEN),
    _Row(range(403, 404), "TOKEN LIMIT", QuotaExhausted, False),
    _Row(range(403, 404), "SIMULTANEOUS", ConcurrencyLimited, False),
    _Row(range(403, 404), "VALIDATE TOKEN", AuthError, False, CHECK_TOKEN),
    _Row(range(403, 404), "WOLKVOX-TOKEN", AuthError, False, CHECK_TOKEN),
    # The vendor also answers 403 during server backups and maintenance: a refusal,
    # nothing done, so it is retried (a create too).
    _Row(
        range(403, 404),
        None,
        TransientError,
        False,
        " (the vendor refuses calls during maintenance and backups: try again later)",
    ),
    # at the record cap the vendor answers 404 with words about licences
    _Row(
        range(404, 405),
        "LICEN",
        BadRequest,
        False,
        " (the operation is at the capacity "
        "its licences allow: add licences, or free records or campaigns)",
    ),
    # undocumented, but it can only mean "too many at once"
    _Row(range(429, 430), None, ConcurrencyLimited, False),
    _Row(range(500, 600), None, TransientError, True),
)

#: transport failure → (error class, may have acted); the first matching row wins
TRANSPORT_FAILURES: tuple[tuple[tuple[type[Exception], ...], type[ApiError], bool], ...] = (
    (NOT_SENT, TransientError, False),  # never left this machine
    ((httpx.TimeoutException, httpx.TransportError), TransientError, True),
    ((httpx.RequestError,), ProtocolError, True),  # an answer came, but unreadable
)


def http_failure(call: Call, response: httpx.Response, body: Any, secret: Secret) -> Failed:
    """The failure a non-2xx answer means."""
    status = response.status_code
    if 300 <= status < 400:
        # redirects are never followed; where it points may carry the token, encoded
        where = quote(response.headers.get("location", "?"), secret)
        return _failed(
            call,
            ProtocolError,
            f"redirected to {where}; is the endpoint right (http or https, host)?",
            status,
            may_have_acted=False,
        )
    message = vendor_message(body, response.text, secret)
    upper = message.upper()
    for row in HTTP_FAILURES:
        if status in row.statuses and (row.words is None or row.words in upper):
            return _failed(call, row.error, message + row.advice, status, row.may_have_acted)
    if call.campaign_id is not None and (
        status == 404
        or "CAMPAIGN" in upper
        or re.search(rf"\b{re.escape(call.campaign_id)}\b", message)
    ):
        return _failed(call, NotFound, message, status, may_have_acted=False)
    return _failed(call, BadRequest, message, status, may_have_acted=False)


def success_failure(
    call: Call, response: httpx.Response, body: Any, secret: Secret
) -> Failed | None:
    """The failure a 2xx answer means after all (None: a success)."""
    problem = envelope_problem(body, response.text, secret)
    if problem is not None:  # the vendor said yes in some form: it may have acted
        return _failed(call, ProtocolError, problem, response.status_code, may_have_acted=True)
    if call.refusal is not None:
        refused = call.refusal(body, secret)
        if refused is not None:
            gone, why = refused
            error = NotFound if gone else ProtocolError
            return _failed(call, error, why, response.status_code, may_have_acted=False)
    return None


def transport_failure(
    call: Call, exc: httpx.RequestError, secret: Secret, *, base_url: str, timeout: float
) -> Failed:
    """The failure a transport exception means."""
    detail = secret.redact(str(exc) or type(exc).__name__)
    error, may_have_acted = next(
        ((cls, acted) for kinds, cls, acted in TRANSPORT_FAILURES if isinstance(exc, kinds)),
        (ProtocolError, True),  # not reached: httpx.RequestError is the last row
    )
    if not may_have_acted:
        # Nothing was sent, so even a create may be retried.
        what = f"could not connect to {base_url}: {detail}"
    elif error is ProtocolError:
        what = f"the answer could not be read ({type(exc).__name__}: {detail})"
    elif isinstance(exc, httpx.TimeoutException):
        what = f"no answer within {timeout:g} s ({type(exc).__name__})"
    else:
        # the vendor drops, without a word, the calls of a machine whose IP address it
        # does not know
        what = (
            f"the connection failed ({type(exc).__name__}: {detail}); if every call ends "
            "this way, check that this machine's IP address is registered with wolkvox"
        )
    return _failed(call, error, what, None, may_have_acted)


def _failed(
    call: Call,
    error: type[ApiError],
    message: str,
    status: int | None,
    may_have_acted: bool,
) -> Failed:
    if call.create and may_have_acted:
        error = OutcomeUnknown
        message = (
            f"{message}; the create may or may not have happened: re-read the live list "
            "before creating it again"
        )
    return Failed(call.error(error, message, status), may_have_acted=may_have_acted)
