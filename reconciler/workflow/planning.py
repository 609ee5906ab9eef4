"""Plan an operation: manifests → desired, one list call → live, desired × live → a saved
plan (signed with the token's key). `plan` runs this; `apply` runs the same steps."""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..client.live import LiveCampaign
from ..errors import ConfigError, PlanError, UsageError
from ..manifest.desired import Desired
from ..plan.model import Plan, Thresholds
from ..plan.saved import ManifestFile, SavedPlan, file_digest, plan_document, write_plan
from .checks import budget, with_skills
from .stateful import StatePlace, open_target_state
from .target import Target, resolve_target

if TYPE_CHECKING:  # the client stack is imported when a call is made, not for --help
    from ..client import WolkvoxClient
    from ..state import Snapshot

__all__ = ["PlanResult", "load_desired", "open_client", "plan_operation", "run_plan"]


@dataclass(frozen=True)
class PlanResult:
    saved: SavedPlan
    #: the JSON document `--json` prints and `--out` writes (signed)
    document: Mapping[str, Any]
    live: tuple[LiveCampaign, ...]
    target: Target
    #: `--check-quota`: what apply would spend against the token's calls left today
    budget: str | None = None
    #: things worth saying that are not findings
    notes: tuple[str, ...] = ()


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
    `WolkvoxClient` takes them. Without a `retry` option, `WOLKVOX_RETRY_BACKOFF` may set
    the backoff (`retry_from_env`)."""
    from ..client import WolkvoxClient

    if "retry" not in client_options:
        policy = retry_from_env(os.environ)
        if policy is not None:
            client_options = {**client_options, "retry": policy}
    return WolkvoxClient(
        target.base_url,
        target.token,
        timeout=timeout,
        max_in_flight=concurrency,
        interrupted=interrupted,
        **client_options,
    )


def retry_from_env(environ: Mapping[str, str]) -> Any:
    """`WOLKVOX_RETRY_BACKOFF=BASE[,CAP]` (seconds, defaults 0.5 and 8): the full-jitter
    backoff of the client's retries, e.g. `0.1,1` on a CI runner that should give up fast.
    None when unset; a ConfigError naming the variable when it is not two finite numbers."""
    text = environ.get("WOLKVOX_RETRY_BACKOFF", "").strip()
    if not text:
        return None
    from ..client import RetryPolicy

    try:
        base, _, cap = text.partition(",")
        values = [float(base), float(cap) if cap.strip() else max(8.0, float(base))]
        return RetryPolicy(base=values[0], cap=values[1])
    except (ValueError, ConfigError):
        raise ConfigError(
            f"WOLKVOX_RETRY_BACKOFF={text!r}: expected BASE[,CAP] in seconds, finite and "
            "not negative (e.g. 0.5,8)"
        ) from None


def plan_operation(
    desired: Desired,
    paths: Sequence[str],
    live: Sequence[LiveCampaign],
    target: Target,
    *,
    targets: Sequence[str] = (),
    excludes: Sequence[str] = (),
    thresholds: Thresholds = Thresholds(),  # noqa: B008 - frozen
    state: Snapshot | None = None,
    resend_fields: bool = False,
    client: Any = None,
) -> SavedPlan:
    """The plan of `desired` against `live`, with what it was made from. With `client`,
    a plan that would send a skill is checked against the operation's skills (1 call)."""
    from ..plan.planner import make_plan

    def planned(skills: Collection[str] | None = None) -> Plan:
        return make_plan(
            desired,
            live,
            targets=targets,
            excludes=excludes,
            thresholds=thresholds,
            record=state.fields if state is not None else None,
            bindings=state.bindings if state is not None else None,
            resend_fields=resend_fields,
            skills=skills,
        )

    plan = planned()
    if client is not None:
        plan = with_skills(plan, client, planned)
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
    state: StatePlace | None = None,
    resend_fields: bool = False,
    check_quota: bool = False,
) -> PlanResult:
    """`plan`: load, list once, plan; save to `out` when given. One API call, plus one for
    the skills when a create or edit sends one, plus `token_info` with `check_quota`."""
    if out:
        if any(_same_file(out, path) for path in paths):
            raise UsageError(f"--out {out} is one of the manifests: choose another file")
        # nothing is removed before the command knows it succeeds: the file is replaced,
        # atomically, once the plan is made, and only if it is a saved plan (never a file
        # of something else named by mistake: notes, the journal, the record). An older
        # plan left by a run that failed is harmless: `apply --plan` checks it against the
        # manifests and the live state and refuses it once either moved
        _check_replaceable(out)
    with without_cycle_collection():
        desired = load_desired(paths, environ)
        target = resolve_target(desired.operation, endpoint, environ)
        snapshot = read_state(target, paths, state, environ)
        factory = client_factory or open_client
        with factory(target, timeout=timeout, **(client_options or {})) as client:
            live = client.list_campaigns()
            saved = plan_operation(
                desired,
                paths,
                live,
                target,
                targets=targets,
                excludes=excludes,
                thresholds=thresholds,
                state=snapshot,
                resend_fields=resend_fields,
                client=client,
            )
            shown = None
            if check_quota:
                shown = budget(client, desired.operation).describe(saved.plan.api_calls)
        # signed only when saved: `apply --plan` executes only a plan `--out` wrote; what
        # `--json` prints is for people and tools (and is redacted where it is printed)
        document = plan_document(saved, target.token if out else None)
        if out:
            # written even when the plan has errors: a stale plan from an earlier run must not be
            # left at the path CI hands to apply, and apply refuses a plan with errors anyway
            write_plan(saved, out, target.token, document)
        return PlanResult(saved, document, tuple(live), target, shown)


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Python's cycle collector off while a plan is made, then as it was. A plan builds
    hundreds of thousands of objects and frees them by reference counting; the collector
    would only scan them, again and again (about 8 % of a 10,000-campaign plan). What is
    alive at the end is moved out of its sight (`gc.freeze`) before it is switched back
    on, or its first collection would scan all of it once more."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.freeze()
            gc.enable()


def read_state(
    target: Target,
    paths: Sequence[str],
    place: StatePlace | None,
    environ: Mapping[str, str] | None = None,
) -> Snapshot:
    """The operation's bindings and last-applied fields, read once (no lock: a plan
    changes nothing). `-v` logs what the read cost, apart from the API's time."""
    import logging
    import time

    started = time.perf_counter()
    backend = open_target_state(target, paths, place, environ)
    opened = time.perf_counter()
    try:
        snapshot = backend.read()
    finally:
        backend.close()
    logging.getLogger("reconciler.state").info(
        "state %s: opened in %.3f s (for PostgreSQL: connected, tables checked); %d "
        "bindings and the fields of %d campaigns read in %.3f s",
        backend.describe(),
        opened - started,
        len(snapshot.bindings),
        len(snapshot.fields),
        time.perf_counter() - opened,
    )
    return snapshot


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):  # either one missing or unusable: not the same file
        return False


def _check_replaceable(path: str) -> None:
    """A UsageError when `path` exists and is not a plan `--out` wrote."""
    target = Path(path)
    if not target.exists() and not target.is_symlink():
        return
    if not target.is_file():
        raise UsageError(f"--out {path} exists and is not a file: choose another path")
    try:
        with target.open("rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        raise PlanError(f"cannot read {path}: {exc.strerror or exc}") from None
    if b'"format_version"' not in head:
        raise UsageError(
            f"--out {path} exists and is not a saved plan: refusing to overwrite it "
            "(move it away or choose another file)"
        )
