"""The core workflows, between the command line and the engine; nothing here knows click.

    target.py    resolve once: endpoint, token, lock key, state dir
    planning.py  plan an operation (used by `plan`, and by `apply` before it executes)
    applying.py  apply a plan: lock → checks → confirm (through `ApplyUI`) → fresh list →
                 staleness → journal → execute → report

Errors carry structured fields (`UnsafePlan.reasons`, `LockHeld.holder`,
`StalePlan.changes`, `PlanMismatch.differences`, `ApplyFailed.report`,
`Interrupted.report`); `cli.main` alone turns them into exit codes.
"""

from __future__ import annotations

from ..apply.applier import recheck_waits_within
from .applying import ApplyOptions, ApplyUI, apply_manifests, apply_saved
from .planning import PlanResult, open_client, plan_operation, run_plan
from .target import Target, display_endpoint, resolve_target, state_dir_for

__all__ = [
    "ApplyOptions",
    "ApplyUI",
    "PlanResult",
    "Target",
    "apply_manifests",
    "apply_saved",
    "display_endpoint",
    "open_client",
    "plan_operation",
    "recheck_waits_within",
    "resolve_target",
    "run_plan",
    "state_dir_for",
]
