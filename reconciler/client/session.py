"""The HTTP side of the client: one connection pool per token, the vendor's limit of
simultaneous requests (a semaphore shared by every thread), the count of requests that
may have reached the server, and one log line per attempt."""

from __future__ import annotations

import logging
import re
import ssl
import threading
import time
from functools import cache
from typing import Any

import httpx

from ..errors import ConfigError
from ..secret import Secret
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
        self._slots = threading.BoundedSemaphore(max_in_flight)
        self._count_lock = threading.Lock()
        self._calls = 0
        # No redirects: a redirect of a PUT/DELETE is never what the vendor documents, and
        # following one could send the token to another host.
        self._http = httpx.Client(
            base_url=base_url,
            headers={TOKEN_HEADER: token.reveal(), "Accept": "application/json"},
            timeout=timeout,
            transport=transport,
            follow_redirects=False,
            verify=_tls_context(),
        )

    @property
    def calls(self) -> int:
        with self._count_lock:
            return self._calls

    def close(self) -> None:
        self._http.close()

    def attempt(self, call: Call, number: int, attempts: int) -> dict[str, Any]:
        """One HTTP request of `call`: its 2xx body, or `Failed`. Logged at INFO."""
        started = time.monotonic()
        outcome = "?"
        try:
            with self._slots:  # never held while waiting to retry
                response = self._request(call)
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

    def _request(self, call: Call) -> httpx.Response:
        try:
            response = self._http.request(
                call.method,
                call.script,
                params=call.params,
                json=None if call.body is None else dict(call.body),
            )
        except NOT_SENT:
            raise  # never left this machine: the vendor neither saw nor counted it
        except httpx.RequestError:  # it left: the server may have seen and counted it
            self._count()
            raise
        self._count()
        return response

    def _count(self) -> None:
        with self._count_lock:
            self._calls += 1

    def _interpret(self, call: Call, response: httpx.Response) -> dict[str, Any]:
        try:
            body: Any = response.json()
        except (ValueError, httpx.DecodingError):
            body = None
        failed: Failed | None
        if 200 <= response.status_code < 300:
            failed = success_failure(call, response, body, self.token)
            if failed is None:
                return dict(body)
        else:
            failed = http_failure(call, response, body, self.token)
        raise failed


@cache
def _tls_context() -> ssl.SSLContext:
    """httpx's default verifying context, built once: loading the CA bundle takes tens of
    milliseconds, and a run (or a test suite) makes many clients."""
    return httpx.create_ssl_context()
