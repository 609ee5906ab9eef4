"""Benchmarks of the hot paths, reported as ratios measured in one run (so the numbers
mean the same on any machine):

- YAML parse, libyaml vs pure Python: the C parser must be at least 2x faster
  (issue 2: "use libyaml's C loader when it is installed: it is much faster").
- manifest load and plan at N vs 10 N campaigns: time and peak memory must grow at most
  15x for 10x the campaigns (linear, not quadratic, in the size of the operation).

Run: python bench/bench_reconcile.py [--campaigns N]   (exit 1 when a target is missed)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reconciler.live import LiveCampaign
from reconciler.manifest import load
from reconciler.manifest.yaml import HAS_LIBYAML, parse
from reconciler.planner import make_plan
from reconciler.vocabulary import CampaignType, LiveStatus

STATES = ("started", "stopped", "cleared")


def manifest_text(n: int) -> str:
    lines = ["version: 1", "operation: {server: '0002', unmanaged: warn}", "campaigns:"]
    for i in range(n):
        lines += [
            f"  - name: campaign-{i:06d}",
            f"    type: {'preview' if i % 2 else 'predictive'}",
            f"    description: Campaign number {i}",
            f"    state: {STATES[i % 3]}",
            f'    skill_id: "{1000 + i % 50}"',
            '    start_time: "08:00"',
            '    end_time: "18:00"',
            f"    options: {{opt1: north, opt2: wave-{i % 7}}}",
        ]
    return "\n".join(lines) + "\n"


def live_rows(n: int) -> list[LiveCampaign]:
    # two thirds of the campaigns exist live, every other one in the wrong state
    return [
        LiveCampaign(
            campaign_id=str(10_000 + i),
            name=f"campaign-{i:06d}",
            type=CampaignType.PREVIEW if i % 2 else CampaignType.PREDICTIVE,
            status=LiveStatus.STARTED if i % 4 < 2 else LiveStatus.STOPPED,
            records=i % 5,
            description=f"Campaign number {i}",
        )
        for i in range(n)
        if i % 3
    ]


def measure(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, int]:
    """Best wall time of `repeat` runs, and the peak traced memory of one run."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best, peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--campaigns", type=int, default=500, help="N (default 500)")
    n = parser.parse_args().campaigns
    failures: list[str] = []

    def check(name: str, ratio: float, limit: float, lower_is_better: bool = True) -> None:
        ok = ratio <= limit if lower_is_better else ratio >= limit
        sign = "<=" if lower_is_better else ">="
        print(f"{name:<48} {ratio:8.2f}   target {sign} {limit:g}   {'ok' if ok else 'MISSED'}")
        if not ok:
            failures.append(name)

    big = manifest_text(10 * n)
    if HAS_LIBYAML:
        c_time, _ = measure(lambda: parse(big, "bench.yaml"))
        py_time, _ = measure(lambda: parse(big, "bench.yaml", pure=True), repeat=1)
        print(f"parse {10 * n} campaigns: libyaml {c_time:.3f}s, pure Python {py_time:.3f}s")
        check("YAML parse speed-up, libyaml vs pure Python", py_time / c_time, 2.0, False)
    else:
        print("libyaml not installed: parse speed-up not measured")

    with tempfile.TemporaryDirectory() as tmp:
        small_file, big_file = Path(tmp, "small.yaml"), Path(tmp, "big.yaml")
        small_file.write_text(manifest_text(n))
        big_file.write_text(big)
        t_small, m_small = measure(lambda: load([str(small_file)]))
        t_big, m_big = measure(lambda: load([str(big_file)]), repeat=1)
        print(
            f"load {n}: {t_small:.3f}s {m_small / 1e6:.1f} MB; "
            f"load {10 * n}: {t_big:.3f}s {m_big / 1e6:.1f} MB"
        )
        check("load time, 10x campaigns", t_big / t_small, 15.0)
        check("load peak memory, 10x campaigns", m_big / m_small, 15.0)

        desired_small, desired_big = load([str(small_file)]), load([str(big_file)])
    live_small, live_big = live_rows(n), live_rows(10 * n)
    p_small, pm_small = measure(lambda: make_plan(desired_small, live_small))
    p_big, pm_big = measure(lambda: make_plan(desired_big, live_big))
    actions = len(make_plan(desired_big, live_big).actions)
    print(f"plan {n}: {p_small:.3f}s; plan {10 * n}: {p_big:.3f}s ({actions} actions)")
    check("plan time, 10x campaigns", p_big / p_small, 15.0)
    check("plan peak memory, 10x campaigns", pm_big / pm_small, 15.0)

    print("all targets met" if not failures else f"missed: {', '.join(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
