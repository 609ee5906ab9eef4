"""The benchmark's reading of the simulator's log: every answered request, with the
simulator's own time on it, so that ours is reported without it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))

from measure import Simulator  # type: ignore[import-not-found]


def test_answers_are_read_from_the_log_with_their_times(tmp_path: Path) -> None:
    log = tmp_path / "sim.log"
    log.write_text(
        "Simulator listening on http://127.0.0.1:1\n"
        "2026-12-04 07:16:55,556 GET /api/v2/information.php?api=campaigns → 200 (152.4 ms)\n"
        "2026-12-04 07:16:55,600 PUT /api/v2/campaign.php?api=start → dropped (fault)\n"
        "2026-12-04 07:16:55,751 PUT /api/v2/campaign.php?api=start&campaign_id=1 → 202 (50 ms)\n",
        encoding="utf-8",
    )
    first, second = Simulator("http://127.0.0.1:1", log).answers()
    assert first.path.endswith("api=campaigns") and first.took == pytest.approx(0.1524)
    assert second.took == pytest.approx(0.05) and "api=start" in second.path
    assert second.left - first.left == pytest.approx(0.195)
    assert second.arrived == pytest.approx(second.left - 0.05)
