"""The HTTP side of the client: one connection pool per token, the vendor's limit of
simultaneous requests (a semaphore shared by every thread), the count of requests that
may have reached the server, and one log line per attempt."""

from __future__ import annotations

import logging
import queue
import re
import ssl
import threading
import time
from functools import cache
from typing import Any

import httpx

from ..errors import ConfigError
from ..secret import Secret
from .deadline import Lane, Watchdog
from .failures import NOT_SENT, Failed, http_failure, success_failure, transport_failure
from .request import Call

__all__ = ["MAX_IN_FLIGHT", "TOKEN_HEADER", "Session"]

log = logging.getLogger("reconciler.client")

#: the vendor's documented limit of simultaneous requests per token
MAX_IN_FLIGHT = 2
TOKEN_HEADER = "wolkvox-token"

#: what a `wolkvox-token` header value may hold: visible ASCII, inner spaces and tabs
_HEADER_VALUE = re.compile(r"^[\x21-\x7e]([\x20-\x7e\t]*[\x21-\x7e])?$")


class Session:
    """Sends one attempt of a `Call` and turns its answer into a body or a `Failed`."""

    def __init__(
        self,
        base_url: str,
        token: Secret,
        *,
        timeout: float,
        max_in_flight: int,
        transport: httpx.BaseTransport | None,
    ) -> None:
        if not 1 <= max_in_flight <= MAX_IN_FLIGHT:
            raise ConfigError(
                f"max_in_flight must be 1 or {MAX_IN_FLIGHT} (the vendor allows at most "
                f"{MAX_IN_FLIGHT} simultaneous requests per token), not {max_in_flight}"
            )
        if not token.reveal():
            raise ConfigError("the API token is empty")
        if not _HEADER_VALUE.match(token.reveal()):
            # httpx would crash on non-ASCII, and quote a control character's header in its
            # error (as bytes, escaped: out of reach of redaction). Never name the value.
            raise ConfigError(
                "the API token contains characters an HTTP header cannot carry (non-ASCII "
                "or control characters such as a newline): check the variable that holds it"
            )
        self.base_url = base_url
        self.timeout = timeout
        self.token = token
        self._count_lock = threading.Lock()
        self._calls = 0
        verify = _tls_context() if base_url.startswith("https:") else _no_tls_context()
        # No redirects: a redirect of a PUT/DELETE is never what the vendor documents, and
        # following one could send the token to another host.
        self._http = httpx.Client(
            base_url=base_url,
            headers={TOKEN_HEADER: token.reveal(), "Accept": "application/json"},
            timeout=timeout,
            transport=transport,
            follow_redirects=False,
            verify=verify,
        )
        # each request is built from these (one URL parse, no cookies: the vendor sets none)
        self._prefix = str(self._http.base_url)
        self._headers = self._http.headers
        # the vendor's limit of simultaneous requests: a lane each, taken for one attempt
        # (never held while waiting to retry)
        self._all_lanes = [Lane(self._http)] + [
            Lane(
                httpx.Client(
                    timeout=timeout, transport=transport, follow_redirects=False, verify=verify
                )
            )
            for _ in range(max_in_flight - 1)
        ]
        self._lanes: queue.SimpleQueue[Lane] = queue.SimpleQueue()
        for lane in self._all_lanes:
            self._lanes.put(lane)
        self._watchdog = Watchdog()

    @property
    def calls(self) -> int:
        with self._count_lock:
            return self._calls

    def close(self) -> None:
        self._watchdog.close()
        for lane in self._all_lanes:
            lane.client.close()

    def attempt(self, call: Call, number: int, attempts: int) -> dict[str, Any]:
        """One HTTP request of `call`: its 2xx body, or `Failed`. Logged at INFO."""
        started = time.monotonic()
        outcome = "?"
        try:
            lane = self._lanes.get()
            try:
                response = self._request(call, lane)
            finally:
                self._lanes.put(lane)
            outcome = str(response.status_code)
            return self._interpret(call, response)
        except httpx.RequestError as exc:
            outcome = type(exc).__name__
            raise transport_failure(
                call, exc, self.token, base_url=self.base_url, timeout=self.timeout
            ) from None
        finally:
            log.info(
                "%s %s campaign_id=%s -> %s in %d ms (attempt %d of %d)",
                call.method,
                call.api,
                call.campaign_id or "-",
                outcome,
                round((time.monotonic() - started) * 1000),
                number,
                attempts,
            )

    def _request(self, call: Call, lane: Lane) -> httpx.Response:
        try:
            response = self._send_within_deadline(call, lane)
        except NOT_SENT:
            raise  # never left this machine: the vendor neither saw nor counted it
        except httpx.RequestError:  # it left: the server may have seen and counted it
            self._count()
            raise
        self._count()
        return response

    def _send_within_deadline(self, call: Call, lane: Lane) -> httpx.Response:
        """The answer, read whole before `timeout` seconds from the start: every wait
        (connect, send, each read of the headers and the body) gets only what is left, and
        the body is read in pieces with the clock checked between them, so an answer that
        drips a byte at a time cannot hold a call (and apply's lock) past the deadline."""
        deadline = time.monotonic() + self.timeout
        query = f"?{httpx.QueryParams(call.params)}" if call.params else ""
        request = httpx.Request(
            call.method,
            f"{self._prefix}{call.script}{query}",
            headers=self._headers,
            json=None if call.body is None else dict(call.body),
        )
        request.extensions["timeout"] = _Remaining(deadline, self.timeout)
        request.extensions["trace"] = lane.trace
        lane.cut = False
        watch = self._watchdog.arm(deadline, lane.cut_off)
        try:
            return self._answer(lane, request, deadline)
        except httpx.TransportError as exc:
            # the watchdog ended it: the deadline passed, whatever the error says (unless
            # the request never left: that stays a clean "not sent")
            if lane.cut and not isinstance(exc, NOT_SENT):
                raise httpx.ReadTimeout(
                    f"no answer within {self.timeout:g} s", request=request
                ) from None
            raise
        finally:
            self._watchdog.disarm(watch)

    def _answer(self, lane: Lane, request: httpx.Request, deadline: float) -> httpx.Response:
        """The answer to `request`, its body read whole: a small one in one go, any other
        piece by piece with the clock checked between pieces (the watchdog bounds both)."""
        response = lane.client.send(request, stream=True)
        if _small(response):
            # a small answer (an action's) read whole: h11 stops at its declared length and
            # the watchdog keeps the clock. Not a large one (the list): httpx's streamed
            # response sits in a reference cycle, and while a plan has the cycle collector
            # off its content would outlive the call
            response.read()
            return response
        try:
            pieces: list[bytes] = []
            size = 0
            for piece in response.iter_bytes():
                size += len(piece)
                if size > MAX_ANSWER_BYTES:
                    raise httpx.RemoteProtocolError(
                        f"the answer is larger than {MAX_ANSWER_BYTES // 2**20} MB", request=request
                    )
                pieces.append(piece)
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout(
                        f"the whole answer did not arrive within {self.timeout:g} s",
                        request=request,
                    )
        finally:
            response.close()
        headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in _DECODED]
        return httpx.Response(
            response.status_code, headers=headers, content=b"".join(pieces), request=request
        )

    def _count(self) -> None:
        with self._count_lock:
            self._calls += 1

    def _interpret(self, call: Call, response: httpx.Response) -> dict[str, Any]:
        try:
            body: Any = response.json()
        except (ValueError, httpx.DecodingError, RecursionError):  # not JSON, or `[[[[…`
            body = None
        failed: Failed | None
        if 200 <= response.status_code < 300:
            failed = success_failure(call, response, body, self.token)
            if failed is None:
                return dict(body)
        else:
            failed = http_failure(call, response, body, self.token)
        raise failed


#: headers that describe the bytes on the wire, not the decoded body kept
_DECODED = frozenset({"content-encoding", "content-length", "transfer-encoding"})

#: the most an answer may weigh: the vendor's documented limit is 256 MB
MAX_ANSWER_BYTES = 300 * 2**20


#: an answer up to this size that declares its length is read in one go
SMALL_ANSWER_BYTES = 64 * 2**10


def _small(response: httpx.Response) -> bool:
    """The answer declares its length, at most `SMALL_ANSWER_BYTES`, and is not compressed
    (what is read is what is kept: no decoder can inflate it past the limit)."""
    headers = response.headers
    if headers.get("content-encoding", "identity").strip().lower() != "identity":
        return False
    if "transfer-encoding" in headers:
        return False
    length = headers.get("content-length", "")
    return (
        length.isascii()
        and length.isdigit()
        and int(length) <= min(SMALL_ANSWER_BYTES, MAX_ANSWER_BYTES)
    )


class _Remaining(dict[str, float]):
    """httpx's per-request timeouts, each looked up as the time left before the deadline."""

    def __init__(self, deadline: float, timeout: float) -> None:
        super().__init__(connect=timeout, read=timeout, write=timeout, pool=timeout)
        self.deadline = deadline

    def get(self, key: str, default: Any = None) -> Any:
        left = max(0.001, self.deadline - time.monotonic())
        value = super().get(key, default)
        return left if value is None else min(value, left)

    def __getitem__(self, key: str) -> float:
        return float(self.get(key))


def _no_tls_context() -> ssl.SSLContext:
    """For an http:// endpoint, which never needs TLS: verifying, with no CA loaded, so a
    TLS connection (an https proxy) fails rather than goes unchecked; and cheap to make,
    where the CA bundle costs tens of milliseconds and megabytes."""
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


@cache
def _tls_context() -> ssl.SSLContext:
    """httpx's default verifying context, built once: loading the CA bundle takes tens of
    milliseconds, and a run (or a test suite) makes many clients."""
    return httpx.create_ssl_context()
