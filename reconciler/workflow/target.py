"""Where an operation's calls go, with what token, and where its lock and journal live:
resolved once per command, before any request."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..client.endpoint import base_url_for, display_endpoint
from ..manifest.desired import Operation
from ..secret import Secret, token_from_env

__all__ = ["STATE_DIR_NAME", "Target", "display_endpoint", "resolve_target", "state_dir_for"]
# display_endpoint is the client's (one place for the endpoint rules), re-exported here

STATE_DIR_NAME = ".wolkvox-reconciler"


@dataclass(frozen=True)
class Target:
    """One operation as this command reaches it."""

    operation: Operation
    base_url: str  # the API base URL every call goes to
    endpoint: str | None  # the `--endpoint` override, credential-free; None: operation.server
    token: Secret

    @property
    def lock_key(self) -> str:
        from ..state.flock import lock_key

        return lock_key(self.token)


def resolve_target(
    operation: Operation, endpoint: str | None, environ: Mapping[str, str] | None = None
) -> Target:
    """`endpoint` (from `--endpoint` / `WOLKVOX_ENDPOINT`) wins over `operation.server`; the
    token comes from the variable `operation.token_env` names. Every configuration error is
    raised here, before any request."""
    base_url = base_url_for(operation, endpoint)
    shown = display_endpoint(endpoint) if endpoint is not None and endpoint.strip() else None
    token = token_from_env(operation.token_env, None if environ is None else dict(environ))
    return Target(operation, base_url, shown, token)


def state_dir_for(paths: Sequence[str]) -> Path:
    """`.wolkvox-reconciler/` beside the first manifest (inside it, if it is a directory)."""
    first = Path(paths[0])
    return (first if first.is_dir() else first.parent) / STATE_DIR_NAME
