"""The in-process checks (run by `run.py` with the interpreter under test; prints JSON):

- YAML parse, libyaml vs pure Python: the C parser must be at least 2x faster;
- manifest load and plan at N vs 10 N campaigns: time and peak traced memory must grow at
  most 15x for 10x the campaigns (linear, not quadratic, in the size of the operation).

Usage: python bench/inprocess.py N
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workloads import plan_workload

from reconciler.client.live import LiveCampaign
from reconciler.manifest import load
from reconciler.manifest.yaml import HAS_LIBYAML, parse
from reconciler.plan.planner import make_plan
from reconciler.vocabulary import CampaignType, LiveStatus


def measure(fn: Callable[[], Any], repeat: int = 3, memory: bool = True) -> tuple[float, int]:
    """Best wall time of `repeat` runs, and the peak traced memory of one more run (0
    when not `memory`: tracing makes a run several times slower)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    if not memory:
        return best, 0
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best, peak


def live(seed: Path) -> list[LiveCampaign]:
    rows = json.loads(seed.read_text(encoding="utf-8"))["campaigns"]
    return [
        LiveCampaign(
            campaign_id=row["campaign_id"],
            name=row["campaign_name"],
            type=CampaignType(row["type_campaign"]),
            status=LiveStatus(row["status"]),
            records=row["records"],
            description=row["campaign_description"],
        )
        for row in rows
    ]


def main(n: int) -> dict[str, Any]:
    out: dict[str, Any] = {"n": n}
    with tempfile.TemporaryDirectory() as tmp:
        small, small_seed, _ = plan_workload(Path(tmp, "small"), n, files=1)
        big, big_seed, _ = plan_workload(Path(tmp, "big"), 10 * n, files=1)
        if HAS_LIBYAML:
            text = next(big.glob("*.yaml")).read_text(encoding="utf-8")
            c_time, _ = measure(lambda: parse(text, "bench.yaml"), memory=False)
            py_time, _ = measure(
                lambda: parse(text, "bench.yaml", pure=True), repeat=1, memory=False
            )
            out["parse_speedup"] = py_time / c_time
        t_small, m_small = measure(lambda: load([str(small)], use_cache=False))
        t_big, m_big = measure(lambda: load([str(big)], use_cache=False))
        out["load_time_ratio"], out["load_memory_ratio"] = t_big / t_small, m_big / m_small
        desired_small = load([str(small)], use_cache=False)
        desired_big = load([str(big)], use_cache=False)
        live_small, live_big = live(small_seed), live(big_seed)
        p_small, pm_small = measure(lambda: make_plan(desired_small, live_small))
        p_big, pm_big = measure(lambda: make_plan(desired_big, live_big))
        out["plan_time_ratio"], out["plan_memory_ratio"] = p_big / p_small, pm_big / pm_small
    return out


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
