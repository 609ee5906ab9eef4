"""The state commands as library calls: list and show the bindings, remove and move one,
import a live campaign by id, migrate a state to another backend, read the history.

Every change takes the operation's lock first (as apply does) and is journaled; nothing
here calls the vendor's API but `import_campaign` (one list call, to see the id is live).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import StateError, UsageError
from ..manifest.desired import Desired
from ..secret import token_from_env
from ..state import Binding, Snapshot, StateBackend, StateConfig, open_state
from ..state.history import Run, runs
from ..state.model import now
from .planning import load_desired
from .stateful import StatePlace, open_operation_state, state_config

__all__ = [
    "StateView",
    "bind_exported",
    "import_campaign",
    "migrate_state",
    "move_binding",
    "read_history",
    "remove_binding",
    "show_state",
]


@dataclass(frozen=True)
class StateView:
    where: str
    snapshot: Snapshot


@contextmanager
def opened(
    paths: Sequence[str],
    place: StatePlace,
    environ: Mapping[str, str] | None = None,
) -> Iterator[tuple[Desired, StateBackend]]:
    """The manifests' operation and its state."""
    env = os.environ if environ is None else environ
    desired = load_desired(paths, environ)
    config = state_config(desired.operation.state, place.backend, env)
    state = _open(config, desired, paths, place, env)
    try:
        yield desired, state
    finally:
        state.close()


def _open(
    config: StateConfig,
    desired: Desired,
    paths: Sequence[str],
    place: StatePlace,
    env: Mapping[str, str],
) -> StateBackend:
    """No endpoint needed: the token alone says which operation's state it is."""
    from ..state.flock import lock_key

    key = lock_key(token_from_env(desired.operation.token_env, dict(env)))
    return open_operation_state(config, key, paths, place, env)


def show_state(
    paths: Sequence[str], place: StatePlace, environ: Mapping[str, str] | None = None
) -> StateView:
    with opened(paths, place, environ) as (_, state):
        return StateView(state.describe(), state.read())


def remove_binding(
    paths: Sequence[str],
    name: str,
    place: StatePlace,
    *,
    lock_timeout: float = 0.0,
    environ: Mapping[str, str] | None = None,
) -> Binding:
    """Forget `name`'s binding and its last-applied fields; the campaign is untouched."""
    with opened(paths, place, environ) as (_, state), state.lock(lock_timeout, "state rm"):
        binding = _bound(state.read(), name)
        state.drop_binding(name)
        state.drop_fields(binding.campaign_id)
        _journal(state, "state-rm", campaign=name, campaign_id=binding.campaign_id)
        state.flush()
        return binding


def move_binding(
    paths: Sequence[str],
    old: str,
    new: str,
    place: StatePlace,
    *,
    lock_timeout: float = 0.0,
    environ: Mapping[str, str] | None = None,
) -> Binding:
    """Bind `new` to the id `old` was bound to (a manifest rename, not a live one)."""
    with opened(paths, place, environ) as (_, state), state.lock(lock_timeout, "state mv"):
        snapshot = state.read()
        binding = _bound(snapshot, old)
        if new in snapshot.bindings:
            taken = snapshot.bindings[new].campaign_id
            raise StateError(f"{new!r} is bound already (to id {taken}): `state rm {new}` first")
        moved = Binding(new, binding.campaign_id, "moved", now())
        state.put_binding(moved)
        _journal(state, "state-mv", campaign=new, previous=old, campaign_id=moved.campaign_id)
        state.flush()
        return moved


def import_campaign(
    paths: Sequence[str],
    name: str,
    campaign_id: str,
    place: StatePlace,
    *,
    endpoint: str | None = None,
    timeout: float = 60.0,
    lock_timeout: float = 0.0,
    environ: Mapping[str, str] | None = None,
) -> Binding:
    """Bind manifest campaign `name` to live campaign `campaign_id` (one list call)."""
    from .planning import open_client
    from .target import resolve_target

    if not (campaign_id.isascii() and campaign_id.isdigit() and len(campaign_id) <= 18):
        raise UsageError(f"{campaign_id!r} is not a campaign id (digits)")
    with opened(paths, place, environ) as (desired, state):
        if name not in {c.name for c in desired.campaigns}:
            raise UsageError(f"no campaign named {name!r} in the manifests: add it first")
        target = resolve_target(desired.operation, endpoint, environ)
        with open_client(target, timeout=timeout) as client:
            live = {lc.campaign_id: lc for lc in client.list_campaigns()}
        if campaign_id not in live:
            raise StateError(
                f"campaign id {campaign_id} is not among the {len(live)} live campaigns: "
                "nothing was bound"
            )
        with state.lock(lock_timeout, "import"):
            snapshot = state.read()
            other = snapshot.name_of(campaign_id)
            if other is not None and other != name:
                raise StateError(
                    f"id {campaign_id} is bound to {other!r} already: `state rm {other}` or "
                    f"`state mv {other} {name}`"
                )
            binding = Binding(name, campaign_id, "imported", now())
            state.put_binding(binding)
            _journal(state, "import", campaign=name, campaign_id=campaign_id,
                     live_name=live[campaign_id].name)  # fmt: skip
            state.flush()
            return binding


def bind_exported(
    pairs: Sequence[tuple[str, str]],
    config: StateConfig,
    key: str,
    *,
    state_dir: Path,
    lock_dir: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Bind what `export`/`init` wrote (name, id), under the lock: how many were new."""
    from ..state.flock import default_lock_dir

    env = os.environ if environ is None else environ
    state = open_state(
        config, key, state_dir=state_dir, lock_dir=lock_dir or default_lock_dir(), environ=env
    )
    try:
        with state.lock(0, "export"):
            snapshot = state.read()
            since = now()
            new = [
                (name, cid)
                for name, cid in pairs
                if name not in snapshot.bindings or snapshot.bindings[name].campaign_id != cid
            ]
            state.put_bindings([Binding(name, cid, "exported", since) for name, cid in new])
            _journal(state, "export", bound=len(new))
            state.flush()
    finally:
        state.close()
    return len(new)


def migrate_state(
    paths: Sequence[str],
    to: str,
    place: StatePlace,
    *,
    lock_timeout: float = 0.0,
    environ: Mapping[str, str] | None = None,
) -> tuple[str, str, int, int, int]:
    """Copy the operation's state (bindings, fields, history) from the backend it uses to
    `to`; refuses a target that holds anything. (from, to, bindings, fields, entries)."""
    env = os.environ if environ is None else environ
    with opened(paths, place, environ) as (desired, source):
        config = state_config(desired.operation.state, place.backend, env)
        if config.backend == to:
            raise UsageError(f"the state is in {to} already: nothing to migrate")
        target = _open(StateConfig(to, config.url_env), desired, paths, place, env)
        try:
            with source.lock(lock_timeout, "state migrate"):
                snapshot = source.read()
                entries = list(source.entries())
                if not target.read().is_empty() or any(True for _ in target.entries()):
                    raise StateError(
                        f"the target state, {target.describe()}, is not empty: refusing to "
                        "overwrite it"
                    )
                target.put_bindings(list(snapshot.bindings.values()))
                for cid, fields in snapshot.fields.items():
                    target.put_fields(cid, fields)
                target.add_entries(entries)
                target.flush()
            return (
                source.describe(),
                target.describe(),
                len(snapshot.bindings),
                len(snapshot.fields),
                len(entries),
            )
        finally:
            target.close()


def read_history(
    paths: Sequence[str], place: StatePlace, environ: Mapping[str, str] | None = None
) -> list[Run]:
    with opened(paths, place, environ) as (_, state):
        return runs(state.entries())


def _bound(snapshot: Snapshot, name: str) -> Binding:
    binding = snapshot.bindings.get(name)
    if binding is None:
        raise StateError(f"{name!r} is not bound in the state (`state list` shows what is)")
    return binding


def _journal(state: StateBackend, event: str, **fields: Any) -> None:
    journal = state.journal()
    try:
        journal.record(event, **fields)
    finally:
        journal.close()
