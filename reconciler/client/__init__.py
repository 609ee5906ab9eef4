"""The wolkvox API client: the documented calls, translated errors, bounded retries.

What a caller can rely on:

- Every failure is an `errors.ApiError` subclass naming the call (`api=` name) and the
  campaign; httpx exceptions never escape, and no message contains the token, raw or
  encoded, whole or in part (server text is redacted before it is cut or escaped).
- Idempotent calls (everything but create) are retried on `ConcurrencyLimited` and
  `TransientError` as the `RetryPolicy` says: exponential backoff, full jitter.
- A create is never repeated once the request may have reached the server: when its
  answer is lost (timeout, dropped connection, 5xx, unreadable 2xx) it raises
  `OutcomeUnknown`, and the caller must re-read the live list before creating again. Only
  failures that prove nothing was done (could not connect; the documented 403 refusals of
  too many simultaneous requests or of a server backup) are retried.
- At most `max_in_flight` (1 or 2, the vendor's per-token limit) requests are in flight
  at once across every thread using the client; `calls` counts the requests that may have
  reached the server (retries included), which is what the vendor's daily quota counts.

The modules, by job: `endpoint` (base URL, the host/port rule), `request` (one logical
call), `answers` (pure parsing of the vendor's answers), `failures` (status / words /
transport failure → error class), `retry` (`RetryPolicy` and the retry loop), `session`
(HTTP, slots, counting, logging) and `wolkvox` (`WolkvoxClient`, the calls).

`WolkvoxClient` and the HTTP layer are imported on first use, so that the planner can use
`display_endpoint` without loading httpx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .answers import Skill, TokenInfo
from .endpoint import API_PATH, display_endpoint, endpoint_base_url
from .retry import RetryPolicy

if TYPE_CHECKING:
    from .session import MAX_IN_FLIGHT, TOKEN_HEADER
    from .wolkvox import WolkvoxClient

__all__ = [
    "API_PATH",
    "MAX_IN_FLIGHT",
    "TOKEN_HEADER",
    "RetryPolicy",
    "Skill",
    "TokenInfo",
    "WolkvoxClient",
    "display_endpoint",
    "endpoint_base_url",
]

_LAZY = {"WolkvoxClient": "wolkvox", "MAX_IN_FLIGHT": "session", "TOKEN_HEADER": "session"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
