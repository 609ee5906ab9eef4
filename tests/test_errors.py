"""Errors say where (file:line:col) and which call; the CLI maps each family to its code."""

from __future__ import annotations

from reconciler.errors import (
    ApplyError,
    ConfigError,
    Location,
    LockHeld,
    ManifestError,
    Problem,
    ReconcilerError,
    StateError,
    UsageError,
)


def test_manifest_problems_are_located_and_sorted_by_place() -> None:
    late = Problem(Location("b.yaml", 1, 1), "second file")
    early = Problem(Location("a.yaml", 3, 7), "line 3")
    first = Problem(Location("a.yaml", 1, 2), "line 1")
    error = ManifestError([late, early, first])
    assert str(error).splitlines() == [
        "a.yaml:1:2: line 1", "a.yaml:3:7: line 3", "b.yaml:1:1: second file",
    ]  # fmt: skip


def test_the_families_the_exit_codes_are_decided_on() -> None:
    assert issubclass(UsageError, ConfigError) and issubclass(ConfigError, ReconcilerError)
    assert issubclass(StateError, ReconcilerError) and issubclass(LockHeld, ApplyError)
    held = LockHeld("busy", holder="pid 1 on host h")
    assert held.holder == "pid 1 on host h" and str(held) == "busy"
