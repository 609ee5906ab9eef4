"""`reconciler.client`'s public names, and what importing it costs."""

from __future__ import annotations

import subprocess
import sys

import reconciler.client as client

PUBLIC = {
    "API_PATH",
    "MAX_IN_FLIGHT",
    "TOKEN_HEADER",
    "RetryPolicy",
    "Skill",
    "TokenInfo",
    "WolkvoxClient",
    "display_endpoint",
    "endpoint_base_url",
}


def test_the_public_names_are_pinned_and_importable() -> None:
    assert set(client.__all__) == PUBLIC
    for name in PUBLIC:
        assert getattr(client, name) is not None


def test_the_planner_gets_the_display_endpoint_without_loading_httpx() -> None:
    code = (
        "import sys, reconciler.plan.planner, reconciler.client; "
        "assert 'httpx' not in sys.modules, 'httpx loaded'; "
        "reconciler.client.WolkvoxClient; "
        "assert 'httpx' in sys.modules"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
