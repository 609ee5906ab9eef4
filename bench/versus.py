"""Side by side with octoDNS, and the apply against its physical limit: the measurements
that take the simulator's own time out of ours, so that neither side is charged for the
other's work.

- `versus_octodns`: our `plan --json` of N campaigns against octoDNS 1.22's dry run of N
  records, alternated (A B A B …). The simulator's answer time of each plan's one list call
  (from its `-v` log: arrival to answer, its own work) is taken out of that plan's wall
  time; the ratio is the median of the per-pair ratios. With a state URL, the plan reads a
  PostgreSQL state, and `plan -v` says what opening and reading it took.
- `apply_runs`: an auto-approved apply of N starts against a simulator answering each call
  `latency` after it arrived; the calls' span (first start arriving → last answered, on
  the simulator's clock) and the whole process, each against N × latency ÷ concurrency.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from measure import paired, run_once, simulator
from report import Check, Env
from workloads import write_state

__all__ = [
    "apply_runs",
    "drop_postgres_state",
    "octodns_checks",
    "octodns_config",
    "postgres_state",
    "state_costs",
    "versus_octodns",
]

#: `plan -v`'s line about the state: opened in X s (…); N bindings and … M campaigns read in Y s
_STATE_LINE = re.compile(
    r"state (\S+) .*opened in ([\d.]+) s .*?(\d+) bindings and the fields of (\d+) "
    r"campaigns read in ([\d.]+) s"
)


def versus_octodns(
    cli: list[str],
    sync: list[str],
    octodns_dir: Path,
    manifests: Path,
    seed: Path,
    base: Mapping[str, str],
    log: Path,
    *,
    runs: int,
    warmup: int,
    warmup_octodns: int,
    state_env: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Alternated plans and octoDNS dry runs; every figure a median."""
    plan = [*cli, "plan", str(manifests), "--json"]
    with simulator(cli, seed, log) as sim:
        env = {**base, "WOLKVOX_ENDPOINT": sim.url, **(state_env or {})}
        ours, octodns, ratio = paired(
            plan,
            sync,
            runs=runs,
            warmup=warmup,
            warmup_b=warmup_octodns,
            env_a=env,
            cwd_b=octodns_dir,
        )
        calls = sim.requests()
        answers = sim.answers()
        state = state_costs(plan, env, log.with_suffix(".plan-v.log")) if state_env else None
    plans = runs + warmup
    lists = [a.took for a in answers[:plans]]
    if calls != plans or len(lists) != plans:
        raise RuntimeError(f"{calls} API calls for {plans} plans (see {log})")
    mine = [s.wall - took for s, took in zip(ours.samples, lists[warmup:], strict=True)]
    apart = statistics.median(
        o.wall / m for o, m in zip(octodns.samples, mine, strict=True) if m > 0
    )
    return {
        "ours": ours.as_dict(),
        "octodns": octodns.as_dict(),
        "ratio_wall": 1 / ratio,
        "simulator_s": round(statistics.median(lists[warmup:]), 4),
        "ours_without_simulator_s": round(statistics.median(mine), 4),
        "ratio": apart,
        "rss_ratio": ours.rss_mb / octodns.rss_mb,
        "state": state,
    }


def state_costs(plan: list[str], env: Mapping[str, str], stderr: Path) -> dict[str, Any]:
    """What opening and reading the state took, and how often a plan reads it, from
    `plan -v`, which logs a line per read (3 runs, medians)."""
    opened, read, reads, rows = [], [], [], ""
    for _ in range(3):
        run_once([*plan, "-v"], env=env, stderr=stderr)
        found = _STATE_LINE.findall(stderr.read_text(encoding="utf-8", errors="replace"))
        if not found:
            raise RuntimeError(f"plan -v did not say what the state cost (see {stderr})")
        reads.append(len(found))
        kind, took_open, bindings, fields, took_read = found[0]
        opened.append(float(took_open))
        read.append(float(took_read))
        rows = f"{bindings} bindings, {fields} campaigns' fields"
    return {
        "backend": kind,
        "reads_per_plan": max(reads),
        "rows": rows,
        "opened_s": statistics.median(opened),
        "read_s": statistics.median(read),
    }


def apply_runs(
    cli: list[str],
    manifests: Path,
    seed: Path,
    size: int,
    latency_ms: int,
    base: Mapping[str, str],
    work: Path,
    runs: int,
    token: str,
) -> dict[int, dict[str, Any]]:
    results: dict[int, dict[str, Any]] = {}
    ideal_one = size * latency_ms / 1000
    for concurrency in (1, 2):
        walls, spans, ours, answer_ms, calls, codes = [], [], [], [], [], []
        for attempt in range(runs):
            log = work / f"sim-apply-{concurrency}-{attempt}.log"
            state = work / f"state-{concurrency}-{attempt}"
            write_state(state, size, token)
            with simulator(cli, seed, log, latency_ms=latency_ms) as sim:
                command = [*cli, "apply", str(manifests), "--auto-approve"]
                command += ["--concurrency", str(concurrency), "--state-dir", str(state)]
                sample = run_once(command, env={**base, "WOLKVOX_ENDPOINT": sim.url})
                calls.append(sim.requests())
                starts = [a for a in sim.answers() if "api=start" in a.path]
            walls.append(sample.wall)
            codes.append(sample.returncode)
            if starts:
                span = max(a.left for a in starts) - min(a.arrived for a in starts)
                # the simulator's own lateness: each answer left `took` after its request
                # arrived, not `latency_ms`; what it adds to the span is its sum spread
                # over the calls in flight at once
                late = sum(max(0.0, a.took - latency_ms / 1000) for a in starts)
                spans.append(span)
                ours.append(span - late / concurrency)
                answer_ms.append(1000 * statistics.mean(a.took for a in starts))
        ideal = ideal_one / concurrency
        wall = statistics.median(walls)
        span = statistics.median(spans) if spans else float("nan")
        our_span = statistics.median(ours) if ours else float("nan")
        results[concurrency] = {
            "wall_s": round(wall, 3),
            "walls": [round(w, 3) for w in walls],
            "calls_span_s": round(span, 3),
            "calls_spans": [round(s, 3) for s in spans],
            "ideal_s": ideal,
            "ratio": wall / ideal,
            "calls_ratio": span / ideal,
            # the span less the simulator's lateness (its answers' time beyond latency_ms)
            "calls_ours_s": round(our_span, 3),
            "calls_ours_ratio": our_span / ideal,
            "simulator_answer_ms": round(statistics.median(answer_ms), 2) if answer_ms else None,
            # start-up, manifests, state, the plan's list and token_info: before any start
            "fixed_s": round(wall - span, 3),
            "calls": calls,
            # the plan's list, token_info (the quota check), then one call per action
            # (auto-approved: no second list, nobody reviewed the plan in between)
            "expected_calls": 2 + size,
            "exit_codes": codes,
        }
    return results


def octodns_config(generate: Callable[..., Any], where: Path, size: int) -> Path:
    """octoDNS's configuration for a zone of `size` records (made once per size)."""
    config = where / "octodns.yaml"
    if not config.exists():
        config = Path(generate("octodns", where, size))
    return config


def postgres_state(
    python: Path, cli: list[str], manifests: Path, base_url: str, env: Mapping[str, str]
) -> dict[str, str]:
    """The workload's local state copied into a schema of its own on `base_url` (by the
    product's own `state migrate`): the environment a plan then reads it with."""
    schema = f"bench_{manifests.parent.name}_{os.getpid()}"
    _sql(python, base_url, f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
    sep = "&" if "?" in base_url else "?"
    state_env = {
        "WOLKVOX_STATE": "postgres",
        "WOLKVOX_STATE_URL": f"{base_url}{sep}options=-csearch_path%3D{schema}",
    }
    migrate = [*cli, "state", "migrate", str(manifests), "--to", "postgres"]
    done = subprocess.run(
        migrate,
        env={**env, "WOLKVOX_STATE_URL": state_env["WOLKVOX_STATE_URL"]},
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"state migrate failed: {done.stderr.strip()}")
    return state_env


def drop_postgres_state(python: Path, base_url: str, state_env: Mapping[str, str]) -> None:
    schema = state_env["WOLKVOX_STATE_URL"].rsplit("%3D", 1)[-1]
    _sql(python, base_url, f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def _sql(python: Path, url: str, sql: str) -> None:
    """`sql` run by `python` (the measured install, which has psycopg: this one need not)."""
    code = "import psycopg, sys\nwith psycopg.connect(sys.argv[1], autocommit=True) as c: "
    code += "c.execute(sys.argv[2])"
    done = subprocess.run([str(python), "-c", code, url, sql], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"PostgreSQL: {done.stderr.strip().splitlines()[-1:]}")


def octodns_checks(
    postgres_url: str | None,
    ours: Env,
    octo: Env,
    generate: Callable[..., Any],
    work: Path,
    base: dict[str, str],
    runs: int,
    warmup: int,
    results: dict[str, Any],
) -> list[Check]:
    """Plans of 10,000 and 100,000 campaigns against octoDNS's dry runs of as many records,
    with the local state and, given a PostgreSQL server, with the postgres one."""
    checks = []
    sync = [str(octo.python.with_name("octodns-sync")), "--config-file"]
    for size in (10_000, 100_000):
        manifests, seed = work / f"w{size}" / "manifests", work / f"w{size}" / "seed.json"
        octodns_dir = work / f"octodns-{size}"
        config = octodns_config(generate, octodns_dir, size)
        n_runs = runs if size < 100_000 else 2  # octoDNS takes some 90 s a run there
        backends: list[tuple[str, dict[str, str] | None]] = [("local", None)]
        if postgres_url:
            backends.append(("postgres", {}))
        for backend, state_env in backends:
            print(f"octoDNS, {size:,} records, {backend} state …", flush=True)
            if state_env is not None:
                state_env = postgres_state(ours.python, ours.cli, manifests, postgres_url, base)
            try:
                found = versus_octodns(
                    ours.cli,
                    [*sync, str(config)],
                    octodns_dir,
                    manifests,
                    seed,
                    base,
                    work / f"sim-octodns-{size}-{backend}.log",
                    runs=n_runs,
                    warmup=warmup,
                    warmup_octodns=0 if size >= 100_000 else warmup,
                    state_env=state_env,
                )
            finally:
                if state_env:
                    drop_postgres_state(ours.python, postgres_url, state_env)
            results.setdefault("octodns", {})[f"{size}-{backend}"] = found
            state = found["state"]
            read = (
                f"; state opened {state['opened_s']:.2f} s + read {state['read_s']:.2f} s"
                if state
                else ""
            )
            checks.append(
                Check(
                    f"plan {size:,} ({backend} state): octoDNS / ours",
                    f"{found['ratio']:.2f}x ({found['octodns']['wall_s']:.2f} s / "
                    f"{found['ours_without_simulator_s']:.2f} s without the simulator's "
                    f"{found['simulator_s']:.2f} s; whole process {found['ratio_wall']:.2f}x"
                    f"{read})",
                    ">= 10x",
                    found["ratio"] >= 10,
                )
            )
            rss_ours, rss_octodns = found["ours"]["peak_rss_mb"], found["octodns"]["peak_rss_mb"]
            checks.append(
                Check(
                    f"plan {size:,} ({backend} state) peak RSS / octoDNS",
                    f"{found['rss_ratio']:.2f} ({rss_ours:.0f} MB / {rss_octodns:.0f} MB)",
                    "<= 0.5",
                    found["rss_ratio"] <= 0.5,
                )
            )
    return checks
