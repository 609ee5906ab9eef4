"""Whole-process measurements with the standard library only: wall time from start to
reaping, peak RSS from the kernel's own accounting of the child (`wait4`), runs alternated
between two commands so that a ratio is taken pair by pair; and the simulator, started as
its own process, whose request log counts the API calls."""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "Answer",
    "Sample",
    "Series",
    "Simulator",
    "paired",
    "run_once",
    "series",
    "simulator",
]


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
    stderr: Path | None = None,
) -> Sample:
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL  # noqa: SIM115
    err = open(stderr, "wb") if stderr else subprocess.DEVNULL  # noqa: SIM115
    try:
        start = time.perf_counter()
        process = subprocess.Popen(
            list(command),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=dict(env) if env is not None else None,
            cwd=cwd,
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
    finally:
        for handle, path in ((out, stdout), (err, stderr)):
            if path:
                handle.close()  # type: ignore[union-attr]
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
    warmup_b: int | None = None,
    env_a: Mapping[str, str] | None = None,
    env_b: Mapping[str, str] | None = None,
    cwd_b: Path | None = None,
) -> tuple[Series, Series, float]:
    """A and B alternated (A B A B …); the median of the per-pair ratios A/B of wall time.
    `warmup_b`: B's runs not counted, when not `warmup` (a 90-second B needs none)."""
    for _ in range(warmup):
        run_once(a, env=env_a)
    for _ in range(warmup if warmup_b is None else warmup_b):
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

    def answers(self) -> list[Answer]:
        """Every request answered so far, oldest first: when its answer left (the log's
        clock), how long the simulator took from its arrival, and its path. Call after
        `requests()` has seen the count settle."""
        found = []
        for line in self.log.read_text(encoding="utf-8", errors="replace").splitlines():
            match = _ANSWERED.match(line)
            if match:
                stamp, millis, path, took = match.groups()
                when = time.mktime(time.strptime(stamp, "%Y-%m-%d %H:%M:%S")) + int(millis) / 1000
                found.append(Answer(when, float(took) / 1000, path))
        return found


@dataclass
class Answer:
    left: float  # epoch seconds, to the millisecond, when the answer was written
    took: float  # seconds from the request's arrival to its answer, the simulator's own
    path: str

    @property
    def arrived(self) -> float:
        return self.left - self.took


#: a `-v` log line of an answered request: `2026-12-04 07:16:55,556 GET /path → 200 (52.1 ms)`
_ANSWERED = re.compile(r"(\S+ \S+),(\d{3}) \S+ (\S+) → \d+ \(([\d.]+) ms\)")


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
