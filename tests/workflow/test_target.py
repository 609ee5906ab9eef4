from __future__ import annotations

import pytest

from reconciler.errors import ConfigError
from reconciler.manifest.desired import Operation
from reconciler.workflow import display_endpoint, resolve_target


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("http://[::1]:8765", "http://[::1]:8765"),
        ("http://u:p@[fe80::1]/api/v2/", "http://[fe80::1]/api/v2"),
        ("https://wv0002.wolkvox.com", "https://wv0002.wolkvox.com"),
        ("http://user:hunter2@127.0.0.1:8765/?token=hunter2#x", "http://127.0.0.1:8765"),
    ],
)
def test_a_recorded_endpoint_keeps_ipv6_brackets_and_drops_credentials(
    given: str, kept: str
) -> None:
    # `apply --plan` compares the endpoint the plan recorded with the one it would call
    assert display_endpoint(given) == kept


def test_the_endpoint_override_wins_over_the_server() -> None:
    target = resolve_target(
        Operation(server="0002", token_env="T"), "http://127.0.0.1:9/", {"T": "a-long-test-token-2"}
    )
    assert target.base_url == "http://127.0.0.1:9/api/v2/"
    assert target.endpoint == "http://127.0.0.1:9"
    server = resolve_target(
        Operation(server="0002", token_env="T"), None, {"T": "a-long-test-token-2"}
    )
    assert server.base_url == "https://wv0002.wolkvox.com/api/v2/"
    assert server.endpoint is None


def test_no_endpoint_or_no_token_is_a_config_error_naming_only_the_variable() -> None:
    with pytest.raises(ConfigError, match="no API endpoint"):
        resolve_target(Operation(token_env="T"), None, {"T": "a-long-test-token-2"})
    with pytest.raises(ConfigError, match="MY_TOKEN"):
        resolve_target(Operation(server="0002", token_env="MY_TOKEN"), None, {})


def test_the_lock_key_is_the_tokens_whatever_the_endpoint_spelling() -> None:
    env = {"T": "same-token"}
    a = resolve_target(Operation(token_env="T"), "http://localhost:8765", env)
    b = resolve_target(Operation(token_env="T"), "http://127.0.0.1:8765/api/v2/", env)
    c = resolve_target(
        Operation(token_env="T"), "http://127.0.0.1:8765", {"T": "a-long-test-token-3"}
    )
    assert a.lock_key == b.lock_key != c.lock_key
    assert "same-token" not in a.lock_key
