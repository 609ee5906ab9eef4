"""apply's safety limits, octoDNS-style (in a module of their own: the command line needs
their defaults for `--help`, and nothing else of the plan)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Thresholds"]


@dataclass(frozen=True)
class Thresholds:
    """octoDNS-style safety limits; apply refuses past them unless forced.

    `max_stop_pct` applies only once the operation has at least `min_campaigns` live
    campaigns, so that stopping 1 of 2 does not count as "50 %"."""

    max_clears: int = 5
    max_stop_pct: float = 30.0
    min_campaigns: int = 10
    max_deletes: int = 0
