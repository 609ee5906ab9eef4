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

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..apply.applier import recheck_waits_within
    from .applying import ApplyOptions, ApplyUI, apply_manifests, apply_saved
    from .planning import PlanResult, open_client, plan_operation, run_plan
    from .target import Target, display_endpoint, resolve_target, state_dir_for

#: where each name lives: imported when first asked for, so that `plan` never loads the
#: applier (nor `validate` the client)
_HOME = {
    "recheck_waits_within": "..apply.applier",
    **dict.fromkeys(("ApplyOptions", "ApplyUI", "apply_manifests", "apply_saved"), ".applying"),
    **dict.fromkeys(("PlanResult", "open_client", "plan_operation", "run_plan"), ".planning"),
    **dict.fromkeys(("Target", "display_endpoint", "resolve_target", "state_dir_for"), ".target"),
}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_HOME[name], __name__), name)


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
