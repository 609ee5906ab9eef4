"""The vendor's per-token limits: simultaneous requests, and the daily quota.

Both are counted under one lock. A request holds its slot from the moment it is
admitted until its answer is written (the `--latency-ms` delay included), which is
what the vendor means by requests "in flight" on one token.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from enum import Enum

__all__ = ["Admission", "TokenGate"]


class Admission(str, Enum):
    ADMITTED = "admitted"
    QUOTA_EXCEEDED = "quota exceeded"
    TOO_MANY_IN_FLIGHT = "too many in flight"


def _utc_today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


class TokenGate:
    """Admits a request on a token, or says which limit refuses it.

    The quota counts admitted requests per UTC day; a refused request consumes none
    of it. Counters live in memory: a restart resets them, as a new day would.
    """

    def __init__(
        self,
        *,
        max_concurrent: int,
        daily_quota: int | None,
        today: Callable[[], dt.date] = _utc_today,
    ) -> None:
        self._max_concurrent = max_concurrent
        self._daily_quota = daily_quota
        self._today = today
        self._lock = threading.Lock()
        self._in_flight: dict[str, int] = {}
        self._used: dict[tuple[str, dt.date], int] = {}

    def enter(self, token: str) -> Admission:
        with self._lock:
            key = (token, self._today())
            if self._daily_quota is not None and self._used.get(key, 0) >= self._daily_quota:
                return Admission.QUOTA_EXCEEDED
            if self._in_flight.get(token, 0) >= self._max_concurrent:
                return Admission.TOO_MANY_IN_FLIGHT
            self._used[key] = self._used.get(key, 0) + 1
            self._in_flight[token] = self._in_flight.get(token, 0) + 1
            return Admission.ADMITTED

    def leave(self, token: str) -> None:
        with self._lock:
            self._in_flight[token] -= 1

    def in_flight(self, token: str) -> int:
        with self._lock:
            return self._in_flight.get(token, 0)

    def used_today(self, token: str) -> int:
        with self._lock:
            return self._used.get((token, self._today()), 0)

    def usage(self, token: str) -> tuple[int, int]:
        """(admitted requests of `token`, of every token) this UTC day."""
        with self._lock:
            today = self._today()
            everyone = sum(n for (_, day), n in self._used.items() if day == today)
            return self._used.get((token, today), 0), everyone
