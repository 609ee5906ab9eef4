"""The shell snippets of the README and docs/ marked `<!-- runnable -->` run as written and
succeed."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
SNIPPETS = [
    snippet
    for page in PAGES
    for snippet in re.findall(r"<!-- runnable -->\n```sh\n(.*?)```", page.read_text(), re.S)
]


@pytest.mark.e2e
@pytest.mark.parametrize("snippet", SNIPPETS, ids=lambda s: s.splitlines()[-1][:40])
def test_runnable_readme_snippet_succeeds(snippet: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WOLKVOX_")}
    # the installed console script of this checkout, as after the README's install step
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["TMPDIR"] = str(tmp_path)
    process = subprocess.Popen(
        ["bash", "-e", "-c", snippet],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: a background simulator dies too
    )
    try:
        out, _ = process.communicate(timeout=120)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    assert process.returncode == 0, out
    assert "Traceback" not in out


def test_the_readme_and_the_docs_mark_snippets_runnable() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "<!-- runnable -->" in readme
    assert len(SNIPPETS) >= 3
