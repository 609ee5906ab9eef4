"""An operation's state: the lock, the name↔id bindings, the last-applied fields and the
history of applies, in the backend the user chose (`local` files or `postgres`).

`open_state(config, key, ...)` gives the backend (`backend.StateBackend`); `model` holds
what is stored, `recorder` what apply's outcomes write, `history` how runs are read back.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..errors import ConfigError
from ..secret import Secret
from .backend import StateBackend
from .model import BACKENDS, FORMAT, Binding, Snapshot, StateConfig

__all__ = [
    "BACKENDS",
    "FORMAT",
    "Binding",
    "Snapshot",
    "StateBackend",
    "StateConfig",
    "open_state",
    "state_url",
]


def state_url(config: StateConfig, environ: Mapping[str, str]) -> Secret:
    """The PostgreSQL URL from `config.url_env`: a ConfigError naming the variable (never
    its value) when it is unset."""
    value = environ.get(config.url_env, "").strip()
    if not value:
        raise ConfigError(
            f"the postgres state backend needs a connection string in the environment "
            f"variable {config.url_env} (operation.state.url_env)"
        )
    # not redacted everywhere: its host, port and `postgres` would vanish from every line;
    # the backend makes its password a Secret and masks the rest in the driver's messages
    return Secret(value, everywhere=False)


def open_state(
    config: StateConfig,
    key: str,
    *,
    state_dir: str | Path,
    lock_dir: str | Path,
    environ: Mapping[str, str],
) -> StateBackend:
    """The backend `config` names, for the operation whose token hashes to `key`."""
    if config.backend == "postgres":
        from .postgres import PostgresState

        return PostgresState(state_url(config, environ), config.url_env, key)
    if config.backend != "local":
        raise ConfigError(
            f"unknown state backend {config.backend!r}: expected one of {', '.join(BACKENDS)}"
        )
    from .local import LocalState

    return LocalState(state_dir, key, lock_dir)
