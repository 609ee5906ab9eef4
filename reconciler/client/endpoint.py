"""Where the API is: `operation.server`, or an `--endpoint` override, as the API base URL.

The one place that writes a host and port back into a URL (an IPv6 literal keeps its
brackets, or its port could not be told apart): for the client's base URL, and for the
credential-free endpoint a saved plan records (`display_endpoint`).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from ..errors import ConfigError
from ..manifest.desired import Operation

__all__ = ["API_PATH", "base_url_for", "display_endpoint", "endpoint_base_url"]

API_PATH = "/api/v2/"

#: DNS labels (plus `_`, which container service names use) or an IPv4 address
_HOSTNAME = re.compile(
    r"^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?$"
)


def endpoint_base_url(endpoint: str) -> str:
    """`--endpoint` (`scheme://host[:port]`, trailing slash optional) → the API base URL.

    `…/api/v2` itself is accepted too, since that is what the vendor pages print.
    """
    text = endpoint.strip()
    try:
        parts = urlsplit(text)
        port = parts.port  # raises ValueError on a non-numeric or out-of-range port
    except ValueError as exc:
        raise ConfigError(f"invalid endpoint {endpoint!r}: {exc}") from None
    problem = None
    if parts.scheme not in ("http", "https"):
        problem = "the scheme must be http or https"
    elif not parts.hostname:
        problem = "it has no host"
    elif ":" not in parts.hostname and not _HOSTNAME.match(parts.hostname):
        problem = f"{parts.hostname!r} is not a host name"
    elif parts.username is not None or parts.password is not None:
        problem = "credentials do not belong in the URL (the token comes from the environment)"
    elif parts.query or parts.fragment:
        problem = "it must not carry a query or a fragment"
    elif parts.path.rstrip("/") not in ("", API_PATH.rstrip("/")):
        problem = f"its path must be empty or {API_PATH}"
    if problem:
        raise ConfigError(
            f"invalid endpoint {endpoint!r}: {problem} (expected scheme://host[:port], "
            "e.g. http://127.0.0.1:8765)"
        )
    return f"{parts.scheme}://{_netloc(parts.hostname or '', port)}{API_PATH}"


def base_url_for(operation: Operation, endpoint: str | None = None) -> str:
    """The base URL of `operation`: `endpoint` (from `--endpoint` / `WOLKVOX_ENDPOINT`)
    wins over `operation.server`. Raises `ConfigError` naming the value at fault."""
    if endpoint is not None and endpoint.strip():
        return endpoint_base_url(endpoint)
    if operation.base_url is not None:
        try:
            return endpoint_base_url(operation.base_url)
        except ConfigError:
            raise ConfigError(
                f"invalid operation.server {operation.server!r}: it must be the server's "
                "nomenclature, as in https://wv{server}.wolkvox.com"
            ) from None
    raise ConfigError(
        "no API endpoint: declare operation.server in a manifest, or pass "
        "--endpoint URL (or set WOLKVOX_ENDPOINT)"
    )


def display_endpoint(endpoint: str | None) -> str | None:
    """`endpoint` as a saved plan may record it: scheme, host, port and path only.

    User info, query and fragment are dropped, since any of them could carry a credential.
    Never raises: an endpoint too broken to parse is recorded as None.
    """
    if not endpoint or not endpoint.strip():
        return None
    try:
        parts = urlsplit(endpoint.strip())
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return None
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = _netloc(parts.hostname or "", port)
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


def _netloc(host: str, port: int | None) -> str:
    if ":" in host:  # an IPv6 literal keeps its brackets, or the port cannot be told apart
        host = f"[{host}]"
    return host if port is None else f"{host}:{port}"
