"""Helpers shared by the test modules (fixtures live in conftest.py files)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

#: the installed console script, next to the interpreter running the tests
CLI = (
    shutil.which("wolkvox-reconciler", path=str(Path(sys.executable).parent))
    or "wolkvox-reconciler"
)


def run_cli(
    *args: str,
    env: Mapping[str, str] | None = None,
    input: str | None = None,
    cwd: str | Path | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run the installed `wolkvox-reconciler` console script, as a user would."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("WOLKVOX_")}
    full_env["NO_COLOR"] = "1"
    full_env.update(env or {})
    return subprocess.run(
        [CLI, *args],
        env=full_env,
        input=input,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
