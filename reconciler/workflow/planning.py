"""Plan an operation: manifests → desired, one list call → live, desired × live → a saved
plan (signed with the token's key). `plan` runs this; `apply` runs the same steps."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..desired import Desired
from ..errors import PlanError, UsageError
from ..live import LiveCampaign
from ..plan import Thresholds
from ..planfile import ManifestFile, SavedPlan, file_digest, plan_document, write_plan
from .target import Target, resolve_target

if TYPE_CHECKING:  # the client stack is imported when a call is made, not for --help
    from ..client import WolkvoxClient

__all__ = ["PlanResult", "load_desired", "open_client", "plan_operation", "run_plan"]


@dataclass(frozen=True)
class PlanResult:
    saved: SavedPlan
    #: the JSON document `--json` prints and `--out` writes (signed)
    document: Mapping[str, Any]
    live: tuple[LiveCampaign, ...]
    target: Target


def load_desired(paths: Sequence[str], environ: Mapping[str, str] | None = None) -> Desired:
    from ..manifest import load

    return load(list(paths), environ=environ)


def open_client(
    target: Target,
    *,
    timeout: float = 60.0,
    concurrency: int = 1,
    interrupted: threading.Event | None = None,
    **client_options: Any,
) -> WolkvoxClient:
    """The client of `target`'s operation; `client_options` (retry policy, transport) as
    `WolkvoxClient` takes them."""
    from ..client import WolkvoxClient

    return WolkvoxClient(
        target.base_url,
        target.token,
        timeout=timeout,
        max_in_flight=concurrency,
        interrupted=interrupted,
        **client_options,
    )


def plan_operation(
    desired: Desired,
    paths: Sequence[str],
    live: Sequence[LiveCampaign],
    target: Target,
    *,
    targets: Sequence[str] = (),
    excludes: Sequence[str] = (),
    thresholds: Thresholds = Thresholds(),  # noqa: B008 - frozen
) -> SavedPlan:
    """The plan of `desired` against `live`, with what it was made from."""
    from ..planner import make_plan

    plan = make_plan(desired, live, targets=targets, excludes=excludes, thresholds=thresholds)
    manifests = tuple(ManifestFile(f, file_digest(f)) for f in desired.files)
    return SavedPlan(plan, desired.operation, target.endpoint, tuple(paths), manifests)


def run_plan(
    paths: Sequence[str],
    *,
    targets: Sequence[str] = (),
    excludes: Sequence[str] = (),
    thresholds: Thresholds = Thresholds(),  # noqa: B008 - frozen
    endpoint: str | None = None,
    timeout: float = 60.0,
    out: str | None = None,
    environ: Mapping[str, str] | None = None,
    client_options: Mapping[str, Any] | None = None,
    client_factory: Callable[..., Any] | None = None,
) -> PlanResult:
    """`plan`: load, list once, plan; save to `out` when given. Exactly one API call."""
    if out:
        if any(_same_file(out, path) for path in paths):
            raise UsageError(f"--out {out} is one of the manifests: choose another file")
        # first thing: whatever stops this plan (a bad manifest, an API failure) must not
        # leave an older plan at the path CI or a person hands to `apply --plan`
        _discard(out)
    desired = load_desired(paths, environ)
    target = resolve_target(desired.operation, endpoint, environ)
    factory = client_factory or open_client
    with factory(target, timeout=timeout, **(client_options or {})) as client:
        live = client.list_campaigns()
    saved = plan_operation(
        desired, paths, live, target, targets=targets, excludes=excludes, thresholds=thresholds
    )
    if out:
        # written even when the plan has errors: a stale plan from an earlier run must not be
        # left at the path CI hands to apply, and apply refuses a plan with errors anyway
        write_plan(saved, out, target.token)
    return PlanResult(saved, plan_document(saved, target.token), tuple(live), target)


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):  # either one missing or unusable: not the same file
        return False


def _discard(path: str) -> None:
    try:
        Path(path).unlink(missing_ok=True)
    except OSError as exc:
        raise PlanError(f"cannot replace plan file {path}: {exc.strerror or exc}") from None
