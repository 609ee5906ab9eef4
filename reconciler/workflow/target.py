"""Where an operation's calls go, with what token, and where its lock and journal live:
resolved once per command, before any request."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from ..client import endpoint_base_url
from ..desired import Operation
from ..errors import ConfigError
from ..secret import Secret, token_from_env

__all__ = ["STATE_DIR_NAME", "Target", "display_endpoint", "resolve_target", "state_dir_for"]

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
        from ..apply.lock import lock_key

        return lock_key(self.token)


def resolve_target(
    operation: Operation, endpoint: str | None, environ: Mapping[str, str] | None = None
) -> Target:
    """`endpoint` (from `--endpoint` / `WOLKVOX_ENDPOINT`) wins over `operation.server`; the
    token comes from the variable `operation.token_env` names. Every configuration error is
    raised here, before any request."""
    if endpoint is not None and endpoint.strip():
        base_url = endpoint_base_url(endpoint)
        shown = display_endpoint(endpoint)
    elif operation.base_url is not None:
        try:
            base_url = endpoint_base_url(operation.base_url)
        except ConfigError:
            raise ConfigError(
                f"invalid operation.server {operation.server!r}: it must be the server's "
                "nomenclature, as in https://wv{server}.wolkvox.com"
            ) from None
        shown = None
    else:
        raise ConfigError(
            "no API endpoint: declare operation.server in a manifest, or pass "
            "--endpoint URL (or set WOLKVOX_ENDPOINT)"
        )
    token = token_from_env(operation.token_env, None if environ is None else dict(environ))
    return Target(operation, base_url, shown, token)


def display_endpoint(endpoint: str | None) -> str | None:
    """An endpoint as a plan may record it: scheme, host and port; no userinfo, query or
    fragment (any of them could carry a credential)."""
    if not endpoint:
        return None
    parts = urlsplit(endpoint.strip())
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 literal keeps its brackets, or the port cannot be told apart
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


def state_dir_for(paths: Sequence[str]) -> Path:
    """`.wolkvox-reconciler/` beside the first manifest (inside it, if it is a directory)."""
    first = Path(paths[0])
    return (first if first.is_dir() else first.parent) / STATE_DIR_NAME
