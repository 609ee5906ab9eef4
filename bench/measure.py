"""Whole-process measurements with the standard library only: wall time from start to
reaping, peak RSS from the kernel's own accounting of the child (`wait4`), runs alternated
between two commands so that a ratio is taken pair by pair; and the simulator, started as
its own process, whose request log counts the API calls."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Sample", "Series", "Simulator", "paired", "run_once", "series", "simulator"]


@dataclass
class Sample:
    wall: float  # seconds
    rss_mb: float  # peak resident set of the process, MiB
    returncode: int


@dataclass
class Series:
    samples: list[Sample] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return statistics.median(s.wall for s in self.samples)

    @property
    def rss_mb(self) -> float:
        return statistics.median(s.rss_mb for s in self.samples)

    def as_dict(self) -> dict[str, object]:
        return {
            "wall_s": round(self.wall, 4),
            "peak_rss_mb": round(self.rss_mb, 1),
            "walls": [round(s.wall, 4) for s in self.samples],
            "rss": [round(s.rss_mb, 1) for s in self.samples],
        }


def run_once(
    command: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    stdout: Path | None = None,
) -> Sample:
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL  # noqa: SIM115
    try:
        start = time.perf_counter()
        process = subprocess.Popen(
            list(command),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.DEVNULL,
            env=dict(env) if env is not None else None,
            cwd=cwd,
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if stdout:
            out.close()  # type: ignore[union-attr]
    # Linux reports kilobytes, macOS bytes
    rss = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return Sample(wall, rss, process.returncode)


def series(command: Sequence[str], *, runs: int, warmup: int = 1, **kwargs: object) -> Series:
    for _ in range(warmup):
        run_once(command, **kwargs)  # type: ignore[arg-type]
    return Series([run_once(command, **kwargs) for _ in range(runs)])  # type: ignore[arg-type]


def paired(
    a: Sequence[str],
    b: Sequence[str],
    *,
    runs: int,
    warmup: int = 1,
    env_a: Mapping[str, str] | None = None,
    env_b: Mapping[str, str] | None = None,
    cwd_b: Path | None = None,
) -> tuple[Series, Series, float]:
    """A and B alternated (A B A B …); the median of the per-pair ratios A/B of wall time."""
    for _ in range(warmup):
        run_once(a, env=env_a)
        run_once(b, env=env_b, cwd=cwd_b)
    first, second = Series(), Series()
    for _ in range(runs):
        first.samples.append(run_once(a, env=env_a))
        second.samples.append(run_once(b, env=env_b, cwd=cwd_b))
    ratio = statistics.median(
        x.wall / y.wall for x, y in zip(first.samples, second.samples, strict=True)
    )
    return first, second, ratio


@dataclass
class Simulator:
    url: str
    log: Path

    def requests(self) -> int:
        """Requests answered so far: one `→` line each in the `-v` log. The server logs
        after writing the answer, so a client may exit a moment before its last line."""
        count, still = -1, 0
        deadline = time.monotonic() + 5
        while still < 3 and time.monotonic() < deadline:
            now = self.log.read_text(encoding="utf-8", errors="replace").count(" → ")
            still = still + 1 if now == count else 0
            count = now
            time.sleep(0.03)
        return count


@contextmanager
def simulator(
    cli: Sequence[str], seed: Path, log: Path, *, latency_ms: int = 0
) -> Iterator[Simulator]:
    command = [*cli, "simulate", "--seed", str(seed), "--port", "0", "-v"]
    if latency_ms:
        command += ["--latency-ms", str(latency_ms)]
    with open(log, "wb") as err:
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err
        )
        try:
            assert process.stdout is not None
            first = process.stdout.readline().decode().strip()
            if not first.startswith("Simulator listening on "):
                raise RuntimeError(f"the simulator did not start: {first!r} (see {log})")
            yield Simulator(first.rsplit(" ", 1)[-1], log)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
