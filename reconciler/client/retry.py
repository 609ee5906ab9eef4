"""Bounded retries with exponential backoff and full jitter, as one frozen value.

`RetryPolicy()` is the documented default: at most 4 retries (5 attempts), waits of
`random() × min(cap, base × 2^(n-1))` seconds before retry n, base 0.5 s, cap 8 s. Full
jitter spreads out two threads (or two CI jobs) that failed together.
`RetryPolicy(base=0, cap=0)` retries at once, with no real sleep: what tests use.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import ApiError, ConfigError, NotFound
from .request import GONE_ON_RETRY, Call, Failed

__all__ = ["RetryPolicy", "send_with_retries"]

log = logging.getLogger("reconciler.client")

Attempt = Callable[[int, int], dict[str, Any]]


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a retryable failure is tried again."""

    retries: int = 4
    base: float = 0.5
    cap: float = 8.0

    def __post_init__(self) -> None:
        if isinstance(self.retries, bool) or not isinstance(self.retries, int):
            raise ConfigError(f"retries must be a whole number, not {self.retries!r}")
        if self.retries < 0:
            raise ConfigError(f"retries must be 0 or more, not {self.retries}")
        for name in ("base", "cap"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ConfigError(f"backoff {name} must be a number, not {value!r}")
            if not math.isfinite(value) or value < 0:
                raise ConfigError(f"backoff {name} must be a finite number ≥ 0, not {value}")

    @property
    def attempts(self) -> int:
        return self.retries + 1

    def ceiling(self, retry: int) -> float:
        """The longest wait before retry number `retry` (1-based)."""
        # the exponent is bounded: base × 2^1100 would overflow a float
        return min(self.cap, self.base * 2.0 ** min(retry - 1, 64))

    def delay(self, retry: int, random: Callable[[], float]) -> float:
        """Full jitter: anything from zero up to the ceiling."""
        return random() * self.ceiling(retry)


def send_with_retries(
    call: Call,
    attempt: Attempt,
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], None],
    random: Callable[[], float],
    interrupted: threading.Event | None,
) -> dict[str, Any]:
    """`attempt(n, of)` until it succeeds, fails for good, or `policy` is spent.

    `interrupted`: once set (apply's Ctrl-C), a failed call is not retried and a wait
    before a retry ends at once: the call in flight finishes, nothing more.
    """
    attempts = policy.attempts
    acted = False  # whether an earlier attempt may have done what the call asks
    for number in range(1, attempts + 1):
        try:
            return attempt(number, attempts)
        except Failed as failed:
            exc = failed.error
            if acted and call.gone_on_retry and isinstance(exc, NotFound):
                log.info(
                    "%s %s campaign_id=%s: not found after an attempt whose answer was "
                    "lost; the list will tell whether that attempt did it",
                    call.method,
                    call.api,
                    call.campaign_id or "-",
                )
                return {GONE_ON_RETRY: exc.message}
            acted = acted or failed.may_have_acted
            if not exc.retryable:
                raise exc from None
            if number == attempts:
                raise _with_note(exc, f"gave up after {attempts} attempts") from None
            if interrupted is not None and interrupted.is_set():
                raise _with_note(exc, f"not retried: interrupted after attempt {number}") from None
            delay = policy.delay(number, random)
            log.debug(
                "%s %s: %s; retrying in %.2f s (attempt %d of %d)",
                call.method,
                call.api,
                type(exc).__name__,
                delay,
                number + 1,
                attempts,
            )
            if interrupted is not None:
                if interrupted.wait(delay):  # ends early on Ctrl-C
                    raise _with_note(
                        exc, f"not retried: interrupted after attempt {number}"
                    ) from None
            else:
                sleep(delay)  # 0 with a zero policy: returns at once
    raise AssertionError("unreachable")  # pragma: no cover


def _with_note(exc: ApiError, note: str) -> ApiError:
    return type(exc)(
        f"{exc.message} ({note})",
        call=exc.call,
        campaign=exc.campaign,
        status_code=exc.status_code,
    )
