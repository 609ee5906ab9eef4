"""The history read back from the journal: one summary per apply."""

from __future__ import annotations

from typing import Any

from reconciler.state.history import runs


def test_each_run_says_who_when_which_digest_and_what_came_of_it() -> None:
    entries: list[dict[str, Any]] = [
        {"run": "r1", "time": "t0", "event": "run-start", "who": "ana@ci", "mode": "manifests",
         "digest": "0123456789abcdef", "actions": 2},
        {"run": "r1", "time": "t1", "event": "attempt", "campaign": "a"},
        {"run": "r1", "time": "t2", "event": "run-end", "done": 1, "failed": 1, "skipped": 0},
        {"run": "r2", "time": "t3", "event": "run-start", "who": "bo@laptop", "actions": 5},
        {"run": "r2", "time": "t4", "event": "attempt", "campaign": "b"},
        {"run": "r3", "time": "t5", "event": "run-start", "actions": 1},
        {"run": "r3", "time": "t6", "event": "run-end", "aborted": "StateError: gone"},
        {"event": "no run id"},
    ]  # fmt: skip
    r1, r2, r3 = runs(entries)
    assert r1.to_dict() == {
        "run": "r1", "started": "t0", "who": "ana@ci", "mode": "manifests",
        "digest": "0123456789abcdef", "actions": 2, "outcome": "1 done, 1 failed, 0 skipped",
    }  # fmt: skip
    assert len(r1.entries) == 3
    assert r2.outcome.startswith("no end recorded")  # killed, or still running
    assert r3.outcome == "aborted: StateError: gone"


def test_an_interrupted_run_says_so() -> None:
    (run,) = runs([{"run": "r", "event": "run-end", "done": 0, "interrupted": True}])
    assert run.outcome.endswith(", interrupted")
