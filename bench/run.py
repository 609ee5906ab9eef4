"""The speed and memory targets, measured as whole processes in one run, with
each target beside its figure (PASS / MISS) and everything in bench/results.json.

    python bench/run.py                     # 1,000 / 10,000 / 100,000 campaigns
    python bench/run.py --quick             # small workloads only (the test's run)
    python bench/run.py --anchor octodns    # also octoDNS 1.22's 10,000-record dry run

A full run installs this checkout and the previous version (main at 85cf522) into fresh
virtual environments side by side, so both start the same way; --quick (or --here) uses
the interpreter that runs it. Ratios are of alternated runs (A B A B …), medians of the
pairs. API calls are counted on the simulator's side, from its `-v` request log.
Exit status: 1 when an API call count or a plan's content is wrong; with --strict also
when a timing target is missed; else 0.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from measure import Series, paired, run_once, series, simulator
from report import Check, Env, table
from versus import apply_runs, octodns_checks
from workloads import one_campaign

REPO = Path(__file__).resolve().parent.parent
PREVIOUS = "85cf522"
OCTODNS = "octodns==1.22.*"
TOKEN = "simulator-token"


def generate(kind: str, where: Path, size: int) -> Any:
    """A workload, made by a child process (see workloads.py's main)."""
    script = Path(__file__).with_name("workloads.py")
    done = subprocess.run(
        [sys.executable, str(script), kind, str(where), str(size)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout)


def count_actions(env: Env, plan_json: Path) -> int:
    """How many actions a plan document holds, read by a child process (a 60 MB document
    read here would raise the peak RSS reported for every later measurement)."""
    code = "import json, sys; print(len(json.load(open(sys.argv[1]))['actions']))"
    done = subprocess.run(
        [str(env.python), "-c", code, str(plan_json)], capture_output=True, text=True
    )
    return int(done.stdout) if done.returncode == 0 else -1


def here() -> Env:
    script = Path(sys.executable).with_name("wolkvox-reconciler")
    cli = [str(script)] if script.exists() else [sys.executable, "-m", "reconciler"]
    return Env(Path(sys.executable), cli)


def venv(directory: Path, *requirements: str) -> Env:
    print(f"  installing {' '.join(requirements)} into {directory} …", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(directory)], check=True)
    python = directory / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    done = subprocess.run([*pip, *requirements], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"cannot install {' '.join(requirements)}:\n{done.stderr}")
    return Env(python, [str(directory / "bin" / "wolkvox-reconciler")])


def previous_source(work: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", PREVIOUS], check=True, capture_output=True
    ).stdout
    target = work / "previous-src"
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(target, filter="data")
        else:  # our own repository's archive, on a Python without extraction filters
            tar.extractall(target)
    return target


def counted_plan(
    env: Env,
    manifests: Path,
    seed: Path,
    base: dict[str, str],
    work: Path,
    runs: int,
    warmup: int = 1,
) -> dict[str, Any]:
    """Plans of `manifests` against a simulator seeded with `seed`: warm cache, no cache;
    the calls each made and whether the plan is the one expected."""
    with simulator(env.cli, seed, work / f"sim-{manifests.parent.name}.log") as sim:
        run_env = {**base, "WOLKVOX_ENDPOINT": sim.url}
        plan = [*env.cli, "plan", str(manifests), "--json"]
        before = sim.requests()
        out = work / "plan.json"
        first = run_once(plan, env=run_env, stdout=out)
        actions = count_actions(env, out) if first.returncode == 0 else -1
        warm = series(plan, runs=runs, warmup=warmup, env=run_env)
        cold = series(plan, runs=runs, warmup=0, env={**run_env, "WOLKVOX_NO_CACHE": "1"})
        plans = 1 + warmup + 2 * runs  # the first, the warm-up and both series
        calls = sim.requests() - before
        # the simulator's own time on each warm plan's list call: not ours to be charged
        answered = [a.took for a in sim.answers()[before:]][1 + warmup : 1 + warmup + runs]
    codes = {s.returncode for s in warm.samples + cold.samples} | {first.returncode}
    return {
        "warm": warm,
        "cold": cold,
        "simulator_s": statistics.median(answered) if answered else float("nan"),
        "calls_per_plan": calls / plans,
        "plans": plans,
        "calls": calls,
        "actions": actions,
        "exit_codes": sorted(codes),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small workloads only")
    parser.add_argument("--here", action="store_true", help="use this interpreter, no venvs")
    parser.add_argument("--anchor", choices=["octodns"], help="compare with octoDNS too")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("WOLKVOX_TEST_POSTGRES_URL"),
        help="a PostgreSQL server for the postgres-state rows (default: "
        "$WOLKVOX_TEST_POSTGRES_URL; a schema of the benchmark's own is made and dropped)",
    )
    parser.add_argument("--runs", type=int, help="timed runs per figure (default 5; quick 3)")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("results.json"))
    parser.add_argument("--strict", action="store_true", help="exit 1 on a missed timing too")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="wvr-bench-"))
    print(f"work directory: {work}", flush=True)
    try:
        return measure_all(args, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def measure_all(args: argparse.Namespace, work: Path) -> int:
    runs = args.runs or (3 if args.quick else 5)
    # --quick checks that every measurement runs and counts right, not its figure: no
    # warm-up runs (the first plan of each size already fills the cache)
    warmup = 0 if args.quick else 1
    sizes = [100, 1000] if args.quick else [1000, 10_000, 100_000]
    lower, big = sizes[-2], sizes[-1]  # the linearity pair
    reference = big if args.quick else 10_000  # the size compared with others

    base = {k: v for k, v in os.environ.items() if k != "WOLKVOX_NO_CACHE"}
    base |= {"XDG_CACHE_HOME": str(work / "cache"), "WOLKVOX_TOKEN": TOKEN}
    quick_env = args.quick or args.here
    ours = here() if quick_env else venv(work / "venv-current", f"{REPO}[postgres]")
    previous = None if args.quick else venv(work / "venv-previous", str(previous_source(work)))
    octo = venv(work / "venv-octodns", OCTODNS) if args.anchor == "octodns" else None

    results: dict[str, Any] = {"quick": args.quick, "runs": runs, "sizes": sizes}
    checks: list[Check] = []
    plans: dict[int, dict[str, Any]] = {}
    for n in sizes:
        print(f"plan and validate, {n:,} campaigns …", flush=True)
        manifests_text, seed_text, actions = generate("plan", work / f"w{n}", n)
        manifests, seed = Path(manifests_text), Path(seed_text)
        n_runs = runs if n < 100_000 else max(1, min(runs, 3))
        plans[n] = counted_plan(ours, manifests, seed, base, work, n_runs, warmup)
        plans[n]["expected_actions"] = actions
        validate = [*ours.cli, "validate", str(manifests)]
        plans[n]["validate_warm"] = series(validate, runs=n_runs, warmup=warmup, env=base)
        plans[n]["validate_cold"] = series(
            validate, runs=n_runs, warmup=warmup, env={**base, "WOLKVOX_NO_CACHE": "1"}
        )
        checks.append(
            Check(
                f"API calls per plan, {n:,}",
                f"{plans[n]['calls_per_plan']:g} ({plans[n]['calls']} for {plans[n]['plans']})",
                "exactly 1",
                plans[n]["calls"] == plans[n]["plans"] and plans[n]["exit_codes"] == [0],
                counts=True,
            )
        )
        checks.append(
            Check(
                f"plan actions, {n:,}",
                str(plans[n]["actions"]),
                f"{actions} (every drifted campaign)",
                plans[n]["actions"] == actions,
                counts=True,
            )
        )
    results["plans"] = {
        str(n): {k: (v.as_dict() if isinstance(v, Series) else v) for k, v in p.items()}
        for n, p in plans.items()
    }
    linear = plans[big]["warm"].wall / plans[lower]["warm"].wall
    results["linearity"] = linear
    checks.append(
        Check(
            f"plan {big:,} / plan {lower:,} (time)",
            f"{linear:.2f}x ({plans[big]['warm'].wall:.2f} s / {plans[lower]['warm'].wall:.2f} s)",
            "<= 11x",
            linear <= 11,
        )
    )
    if not args.quick:
        rss = plans[big]["warm"].rss_mb
        checks.append(Check(f"plan {big:,} peak RSS", f"{rss:.0f} MB", "< 500 MB", rss < 500))

    if octo is not None:
        checks += octodns_checks(
            args.postgres_url, ours, octo, generate, work, base, runs, warmup, results
        )

    if previous is not None:
        print(f"validate {reference:,}, against {PREVIOUS} …", flush=True)
        manifests = str(work / f"w{reference}" / "manifests")
        ours_validate = [*ours.cli, "validate", manifests]
        old_validate = [*previous.cli, "validate", manifests]
        for label, extra in (("no cache", {"WOLKVOX_NO_CACHE": "1"}), ("cache warm", {})):
            a, b, ratio = paired(
                ours_validate, old_validate, runs=runs, env_a={**base, **extra}, env_b=base
            )
            results.setdefault("validate_vs_previous", {})[label] = {
                "ours": a.as_dict(),
                "previous": b.as_dict(),
                "ratio": ratio,
            }
            checks.append(
                Check(
                    f"validate {reference:,} ({label}) / {PREVIOUS}",
                    f"{ratio:.2f} ({a.wall:.2f} s / {b.wall:.2f} s)",
                    "<= 0.25",
                    ratio <= 0.25,
                )
            )

    print("cold start …", flush=True)
    floor = [str(ours.python), "-c", "import click"]
    one = one_campaign(work / "one")
    for label, command in (
        ("--help", [*ours.cli, "--help"]),
        ("validate, 1 campaign", [*ours.cli, "validate", str(one)]),
    ):
        a, b, ratio = paired(command, floor, runs=2 * runs, warmup=warmup, env_a=base, env_b=base)
        results.setdefault("cold_start", {})[label] = {
            "ours": a.as_dict(),
            "floor": b.as_dict(),
            "ratio": ratio,
        }
        checks.append(
            Check(
                f"cold start, {label} / python + click",
                f"{ratio:.2f}x ({a.wall * 1000:.0f} ms / {b.wall * 1000:.0f} ms)",
                "<= 1.5x",
                ratio <= 1.5,
            )
        )

    size, latency = (20, 20) if args.quick else (200, 50)
    print(f"apply, {size} starts at {latency} ms latency …", flush=True)
    manifests, seed = map(Path, generate("apply", work / "apply", size))
    applies = apply_runs(
        ours.cli, manifests, seed, size, latency, base, work, 1 if args.quick else 3, TOKEN
    )
    results["apply"] = {str(c): r for c, r in applies.items()}
    for concurrency, result in applies.items():
        checks.append(
            Check(
                f"apply {size} starts, concurrency {concurrency}: the calls / ideal",
                f"{result['calls_ours_ratio']:.3f} ({result['calls_ours_s']:.2f} s / "
                f"{result['ideal_s']:.2f} s without the simulator's lateness: its answers took "
                f"{result['simulator_answer_ms']} ms, not {latency}; as measured on its "
                f"clock {result['calls_span_s']:.2f} s = {result['calls_ratio']:.3f})",
                "<= 1.05",
                result["calls_ours_ratio"] <= 1.05,
            )
        )
        checks.append(
            Check(
                f"apply {size} starts, concurrency {concurrency}: whole process / ideal",
                f"{result['ratio']:.3f} ({result['wall_s']:.2f} s, of which "
                f"{result['fixed_s']:.2f} s before the first start)",
                "<= 1.05",
                result["ratio"] <= 1.05,
            )
        )
        checks.append(
            Check(
                f"API calls per apply, concurrency {concurrency}",
                f"{result['calls']}",
                f"2 + {size} = {2 + size}",
                all(c == 2 + size for c in result["calls"])
                and all(code == 0 for code in result["exit_codes"]),
                counts=True,
            )
        )

    n = 100 if args.quick else 1000
    print(f"in process, {n:,} vs {10 * n:,} campaigns …", flush=True)
    inprocess = json.loads(
        subprocess.run(
            [str(ours.python), str(Path(__file__).with_name("inprocess.py")), str(n)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    results["inprocess"] = inprocess
    if "parse_speedup" in inprocess:
        speedup = inprocess["parse_speedup"]
        checks.append(Check("YAML parse, libyaml / pure", f"{speedup:.1f}x", ">= 2x", speedup >= 2))
    for key in ("load_time", "load_memory", "plan_time", "plan_memory"):
        value = inprocess[f"{key}_ratio"]
        label = key.replace("_", " ")
        checks.append(Check(f"{label}, 10x campaigns", f"{value:.2f}x", "<= 15x", value <= 15))

    # the kernel reports no child below the peak of the process that started it
    results["bench_own_peak_rss_mb"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        / (1024 * 1024 if sys.platform == "darwin" else 1024),
        1,
    )
    results["checks"] = [
        {"name": c.name, "figure": c.figure, "target": c.target, "ok": c.ok, "counts": c.counts}
        for c in checks
    ]
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print()
    print(table(checks))
    own = results["bench_own_peak_rss_mb"]
    print(f"\n(no peak RSS can read below this benchmark's own: {own} MB)")
    print(f"written: {args.out}")
    broken = [c for c in checks if not c.ok and (c.counts or args.strict)]
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
