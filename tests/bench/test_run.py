"""`bench/run.py --quick`: the benchmark itself runs, counts the API calls on the simulator's
side and finds them exact, and the work grows linearly with the campaigns. Timings are
the machine's business and are not asserted here."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).parents[2] / "bench" / "run.py"


@pytest.mark.e2e
@pytest.mark.slow
def test_the_quick_benchmark_counts_exact_calls_and_grows_linearly_in_memory(
    tmp_path: Path,
) -> None:
    out = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--runs", "1", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(out.read_text(encoding="utf-8"))
    assert results["quick"] is True

    for size, plan in results["plans"].items():
        assert plan["plans"] >= 3, size
        assert plan["calls"] == plan["plans"], f"{size}: not exactly one list call per plan"
        assert plan["exit_codes"] == [0], size
        assert plan["actions"] == plan["expected_actions"] == int(size) // 10
        # the simulator's own time on the list call, read from its log, is reported apart
        assert 0 < plan["simulator_s"] < plan["warm"]["wall_s"], size
    for concurrency, apply in results["apply"].items():
        assert apply["exit_codes"] == [0] * len(apply["calls"]), concurrency
        assert apply["calls"] == [apply["expected_calls"]] * len(apply["calls"]), concurrency
        assert apply["expected_calls"] == 2 + 20  # the list, token_info, the starts
        # the calls' span, on the simulator's clock, within the whole process
        assert 0 < apply["calls_span_s"] < apply["wall_s"], concurrency
        assert apply["fixed_s"] > 0 and apply["calls_ratio"] >= 1, concurrency
        # the simulator's lateness (its answers beyond the latency) is taken out, not more
        assert apply["simulator_answer_ms"] >= 20, concurrency
        assert 0 < apply["calls_ours_s"] <= apply["calls_span_s"], concurrency

    # linear, not quadratic, in memory: 10x the campaigns take far less than 100x the
    # traced allocations (counted, not timed: the same on any machine). Times are the
    # benchmark's to judge (its table); here only that each was measured, since a busy
    # machine can stretch a 10 ms plan several times over
    inprocess = results["inprocess"]
    for ratio in ("load_memory", "plan_memory"):
        assert 5 < inprocess[f"{ratio}_ratio"] < 20, ratio
    for ratio in ("load_time", "plan_time"):
        assert math.isfinite(inprocess[f"{ratio}_ratio"]) and inprocess[f"{ratio}_ratio"] > 0
    assert math.isfinite(results["linearity"]) and results["linearity"] > 0

    # every target is in the table beside its figure, with its verdict
    for check in results["checks"]:
        assert f"| {check['name']} | {check['figure']} |" in done.stdout
