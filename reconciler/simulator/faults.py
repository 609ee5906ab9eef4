"""Reproducible fault injection.

Every admitted request draws exactly three numbers from one `random.Random(seed)`, in
arrival order, whatever the outcome: so the same `--random-seed` and the same sequence
of requests give the same faults, and a fault never shifts the draws of later requests.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from enum import Enum

__all__ = ["Fault", "FaultPlan", "Faults"]


class Fault(str, Enum):
    """What happens to a request before it changes anything."""

    NONE = "none"
    HTTP_500 = "500"
    HTTP_503 = "503"
    DROP = "drop"  # close the connection without an answer


_BEFORE = (Fault.HTTP_500, Fault.HTTP_503, Fault.DROP)


@dataclass(frozen=True)
class FaultPlan:
    before: Fault  # fault injected before the request is handled
    drop_after_commit: bool  # when the request changes state: commit, then drop


class Faults:
    def __init__(
        self, *, fail_rate: float, drop_after_commit_rate: float, seed: int | None
    ) -> None:
        if not (0.0 <= fail_rate <= 1.0 and 0.0 <= drop_after_commit_rate <= 1.0):
            raise ValueError("fault rates are probabilities, between 0 and 1")
        self._fail_rate = fail_rate
        self._drop_rate = drop_after_commit_rate
        self._random = random.Random(seed)
        self._lock = threading.Lock()

    def draw(self) -> FaultPlan:
        with self._lock:
            fail, kind, drop = self._random.random(), self._random.random(), self._random.random()
        before = _BEFORE[int(kind * len(_BEFORE))] if fail < self._fail_rate else Fault.NONE
        return FaultPlan(before=before, drop_after_commit=drop < self._drop_rate)
