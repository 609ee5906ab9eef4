"""What the benchmark reports: each measurement beside its target, as a table."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["Check", "Env", "table"]


@dataclass
class Env:
    python: Path
    cli: list[str]


@dataclass
class Check:
    name: str
    figure: str
    target: str
    ok: bool
    counts: bool = False  # a count or content check (always enforced), not a timing

    @property
    def verdict(self) -> str:
        return "PASS" if self.ok else "MISS"


def table(checks: list[Check]) -> str:
    lines = ["| measurement | figure | target | verdict |", "| --- | --- | --- | --- |"]
    lines += [f"| {c.name} | {c.figure} | {c.target} | {c.verdict} |" for c in checks]
    return "\n".join(lines)
