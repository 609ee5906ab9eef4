"""The safety limits' defaults, as `--help` shows them and apply enforces them."""

from __future__ import annotations

from dataclasses import FrozenInstanceError

import pytest

from reconciler.plan.safety import Thresholds


def test_the_defaults_refuse_any_delete_and_more_than_5_clears_or_30_percent_stops() -> None:
    limits = Thresholds()
    assert (limits.max_deletes, limits.max_clears, limits.max_stop_pct, limits.min_campaigns) == (
        0, 5, 30.0, 10,
    )  # fmt: skip
    with pytest.raises(FrozenInstanceError):
        limits.max_deletes = 3  # type: ignore[misc]
