"""`export`: read an operation's live campaigns (one list call) and write them as
manifests that plan to "No changes." (`reconciler/export/` builds and checks the text);
with a state, bind each exported name to its id."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..export.campaigns import build_export, exported_campaigns, server_of
from ..manifest.desired import Operation
from ..secret import redact_all
from ..state import StateConfig
from .planning import open_client
from .state_ops import bind_exported
from .stateful import state_config
from .target import STATE_DIR_NAME, resolve_target

__all__ = ["Exported", "export_live"]


@dataclass(frozen=True)
class Exported:
    #: file name → manifest text
    files: dict[str, str]
    #: (manifest name, live id) of every campaign written
    bindings: tuple[tuple[str, str], ...]
    #: the operation's state key (the token's one-way hash)
    key: str

    def bind(
        self,
        backend: str | None,
        manifests_dir: Path,
        state_dir: str | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> tuple[int, str]:
        """Bind the exported names in the state `backend` names (local: beside the
        manifests written in `manifests_dir`): (how many were new, where)."""
        env = os.environ if environ is None else environ
        config = state_config(StateConfig(), backend, env)
        where = Path(state_dir) if state_dir else manifests_dir / STATE_DIR_NAME
        count = bind_exported(self.bindings, config, self.key, state_dir=where, environ=env)
        shown = f"postgres (${config.url_env})" if config.backend == "postgres" else str(where)
        return count, shown


def export_live(
    *,
    endpoint: str | None,
    server: str | None,
    token_env: str = "WOLKVOX_TOKEN",
    timeout: float = 60.0,
    split: bool = False,
) -> Exported:
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
    written = [e for e in exported_campaigns(live) if not e.skip]
    # a name written twice (each entry pinned by `id:`) names no one campaign: the pins do
    twice = {n for n, k in Counter(e.name for e in written).items() if k > 1}
    pairs = tuple((e.name, e.live.campaign_id) for e in written if e.name not in twice)
    # everything written is redacted like everything printed (a live value could hold it)
    return Exported(
        {name: redact_all(text) for name, text in files.items()}, pairs, target.lock_key
    )
