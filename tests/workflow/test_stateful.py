"""Which backend a command's state is in: --state / WOLKVOX_STATE over the manifests."""

from __future__ import annotations

import pytest

from reconciler.errors import ConfigError
from reconciler.state import StateConfig
from reconciler.workflow.stateful import state_config

MANIFESTS = StateConfig("postgres", "OPS_DB")


def test_the_command_line_then_the_environment_then_the_manifests() -> None:
    assert state_config(MANIFESTS, None, {}) == MANIFESTS
    assert state_config(MANIFESTS, None, {"WOLKVOX_STATE": "local"}).backend == "local"
    chosen = state_config(MANIFESTS, "local", {"WOLKVOX_STATE": "postgres"})
    assert chosen == StateConfig("local", "OPS_DB")  # the URL variable stays the manifests'
    with pytest.raises(ConfigError, match="unknown state backend 's3'"):
        state_config(MANIFESTS, None, {"WOLKVOX_STATE": "s3"})
