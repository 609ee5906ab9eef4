"""`python -m reconciler` is the console script."""

from __future__ import annotations

import subprocess
import sys

from reconciler import __version__


def test_python_m_reconciler_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "reconciler", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0 and __version__ in done.stdout
