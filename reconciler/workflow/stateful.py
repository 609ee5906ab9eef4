"""Which state an operation uses, opened for one command: the manifests'
`operation.state`, overridden by `--state` / `WOLKVOX_STATE`."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from ..errors import ConfigError
from ..state import BACKENDS, StateBackend, StateConfig, open_state
from .target import Target, state_dir_for

__all__ = ["StatePlace", "open_operation_state", "open_target_state", "state_config"]


def state_config(
    configured: StateConfig, backend: str | None, environ: Mapping[str, str] | None = None
) -> StateConfig:
    """`backend` (from `--state` / `WOLKVOX_STATE`) wins over the manifests' choice."""
    env = os.environ if environ is None else environ
    chosen = (backend or env.get("WOLKVOX_STATE") or "").strip()
    if not chosen:
        return configured
    if chosen not in BACKENDS:
        raise ConfigError(
            f"unknown state backend {chosen!r} (--state / WOLKVOX_STATE): expected one of "
            f"{', '.join(BACKENDS)}"
        )
    return replace(configured, backend=chosen)


class StatePlace:
    """Where a command finds the state: `--state`, `--state-dir` and `--lock-dir`."""

    def __init__(
        self,
        backend: str | None = None,
        state_dir: str | None = None,
        lock_dir: str | None = None,
    ) -> None:
        self.backend = backend
        self.state_dir = state_dir
        self.lock_dir = lock_dir


def open_target_state(
    target: Target,
    paths: Sequence[str],
    place: StatePlace | None = None,
    environ: Mapping[str, str] | None = None,
) -> StateBackend:
    """The state of `target`'s operation, in the backend chosen for it."""
    place = place or StatePlace()
    env = os.environ if environ is None else environ
    config = state_config(target.operation.state, place.backend, env)
    return open_operation_state(config, target.lock_key, paths, place, env)


def open_operation_state(
    config: StateConfig,
    key: str,
    paths: Sequence[str],
    place: StatePlace,
    environ: Mapping[str, str],
) -> StateBackend:
    """The state `config` names for the operation whose token hashes to `key`; the local
    one beside the first manifest unless `place` says where."""
    from ..state.flock import default_lock_dir

    state_dir = Path(place.state_dir) if place.state_dir else state_dir_for(paths)
    lock_dir = Path(place.lock_dir) if place.lock_dir else default_lock_dir()
    return open_state(config, key, state_dir=state_dir, lock_dir=lock_dir, environ=environ)
