"""`export`: read an operation's live campaigns (one list call) and write them as
manifests that plan to "No changes." (`reconciler/export.py` builds and checks the text)."""

from __future__ import annotations

from ..export.campaigns import build_export, server_of
from ..manifest.desired import Operation
from ..secret import redact_all
from .planning import open_client
from .target import resolve_target

__all__ = ["export_live"]


def export_live(
    *,
    endpoint: str | None,
    server: str | None,
    token_env: str = "WOLKVOX_TOKEN",
    timeout: float = 60.0,
    split: bool = False,
) -> dict[str, str]:
    """Read the live list (one API call; the token from `token_env`) and `build_export` it.
    `endpoint` wins over `server`, as in plan; the server written is `server`, else the
    one `endpoint` names when it is a wolkvox URL."""

    target = resolve_target(Operation(server=server, token_env=token_env), endpoint)
    with open_client(target, timeout=timeout) as client:
        live = client.list_campaigns()
        source = client.base_url
    files = build_export(
        live,
        source=source,
        server=server if server is not None else server_of(source),
        token_env=token_env,
        split=split,
    )
    # everything written is redacted like everything printed (a live value could hold it)
    return {name: redact_all(text) for name, text in files.items()}
