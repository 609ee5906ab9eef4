"""The history of applies, read back from the journal: one summary per run (who, when,
which plan digest, what came of it), and every entry of one run."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Run", "runs"]


@dataclass
class Run:
    run_id: str
    started: str = ""
    who: str = ""
    mode: str = ""
    digest: str = ""
    actions: int = 0
    #: None: no run-end entry (the apply was killed, or still runs)
    end: dict[str, Any] | None = None
    entries: list[dict[str, Any]] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        if self.end is None:
            return "no end recorded (killed, or still running)"
        if "aborted" in self.end:
            return f"aborted: {self.end['aborted']}"
        done, failed, skipped = (self.end.get(k, 0) for k in ("done", "failed", "skipped"))
        text = f"{done} done, {failed} failed, {skipped} skipped"
        return text + (", interrupted" if self.end.get("interrupted") else "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "run": self.run_id,
            "started": self.started,
            "who": self.who,
            "mode": self.mode,
            "digest": self.digest,
            "actions": self.actions,
            "outcome": self.outcome,
        }


def runs(entries: Iterable[dict[str, Any]]) -> list[Run]:
    """The runs of `entries`, oldest first (entries of another kind are skipped)."""
    found: dict[str, Run] = {}
    for entry in entries:
        run_id = entry.get("run")
        if not isinstance(run_id, str):
            continue
        run = found.get(run_id)
        if run is None:
            run = found[run_id] = Run(run_id, started=str(entry.get("time", "")))
        run.entries.append(entry)
        event = entry.get("event")
        if event == "run-start":
            run.started = str(entry.get("time", run.started))
            run.who = str(entry.get("who", ""))
            run.mode = str(entry.get("mode", ""))
            run.digest = str(entry.get("digest", ""))
            actions = entry.get("actions")
            run.actions = actions if isinstance(actions, int) else 0
        elif event == "run-end":
            run.end = entry
    return list(found.values())
