"""`client.endpoint`: the base URL from `operation.server` or an override, the host/port
rule in one place, and the credential-free endpoint a saved plan records."""

from __future__ import annotations

import pytest
import respx

from reconciler.client import display_endpoint, endpoint_base_url
from reconciler.client.endpoint import base_url_for
from reconciler.errors import ConfigError
from reconciler.manifest.desired import Operation
from reconciler.workflow import resolve_target
from tests.client.helpers import TOKEN, answer
from tests.helpers import client_for


@pytest.mark.parametrize(
    ("endpoint", "base_url"),
    [
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765/api/v2/"),
        ("http://127.0.0.1:8765/", "http://127.0.0.1:8765/api/v2/"),
        (" https://wv0036.wolkvox.com ", "https://wv0036.wolkvox.com/api/v2/"),
        ("https://wv0036.wolkvox.com/api/v2", "https://wv0036.wolkvox.com/api/v2/"),
        ("http://[::1]:9000", "http://[::1]:9000/api/v2/"),
        ("HTTP://LocalHost:80", "http://localhost:80/api/v2/"),
        ("http://wolkvox_sim:8765", "http://wolkvox_sim:8765/api/v2/"),
    ],
)
def test_endpoint_becomes_the_api_base_url(endpoint: str, base_url: str) -> None:
    assert endpoint_base_url(endpoint) == base_url
    client = client_for(Operation(server="9"), endpoint=endpoint, environ={"WOLKVOX_TOKEN": TOKEN})
    with client:
        assert client.base_url == base_url


@pytest.mark.parametrize(
    "endpoint",
    [
        "127.0.0.1:8765",
        "ftp://127.0.0.1",
        "http://",
        "http://host:99999",
        "http://host:port",
        "http://host/other/path",
        "http://host?x=1",
        "http://user:pw@host",
        "http://a b:80",
        "http://-host",
    ],
)
def test_a_bad_endpoint_is_a_config_error_naming_it(endpoint: str) -> None:
    with pytest.raises(ConfigError) as info:
        client_for(Operation(), endpoint=endpoint, environ={"WOLKVOX_TOKEN": TOKEN})
    assert repr(endpoint) in str(info.value)


def test_without_endpoint_the_operation_server_is_used(api: respx.MockRouter) -> None:
    route = api.get("https://wv0036.wolkvox.com/api/v2/information.php").mock(
        return_value=answer(200, data=[])
    )
    with client_for(Operation(server="0036"), environ={"WOLKVOX_TOKEN": TOKEN}) as client:
        assert client.list_campaigns() == []
    assert route.call_count == 1


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_a_blank_override_leaves_the_operation_server(blank: str | None) -> None:
    assert base_url_for(Operation(server="0036"), blank) == "https://wv0036.wolkvox.com/api/v2/"


@pytest.mark.parametrize("server", ["00/36", "a b", "x?y", "wv#1"])
def test_a_bad_operation_server_is_a_config_error_naming_it(server: str) -> None:
    with pytest.raises(ConfigError, match=r"invalid operation\.server") as info:
        client_for(Operation(server=server), environ={"WOLKVOX_TOKEN": TOKEN})
    assert repr(server) in str(info.value)


def test_no_endpoint_and_no_server_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="no API endpoint"):
        client_for(Operation(), environ={"WOLKVOX_TOKEN": TOKEN})


@pytest.mark.parametrize(
    ("endpoint", "shown"),
    [
        (None, None),
        ("", None),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765"),
        ("http://127.0.0.1:8765/api/v2/", "http://127.0.0.1:8765/api/v2"),
        ("http://[::1]:9000/", "http://[::1]:9000"),
        ("http://[fe80::1]", "http://[fe80::1]"),
        ("https://user:pw@host.test:8443/api/v2?token=x#frag", "https://host.test:8443/api/v2"),
        ("http://host:port", "http://host"),  # never raises, even on a broken port
        ("http://[::1", None),
    ],
)
def test_display_endpoint_keeps_scheme_host_port_path_and_drops_credentials(
    endpoint: str | None, shown: str | None
) -> None:
    assert display_endpoint(endpoint) == shown


def test_a_saved_plan_records_the_display_endpoint() -> None:
    target = resolve_target(
        Operation(token_env="T"), "http://[::1]:9000/api/v2/", {"T": "a-long-test-token-1"}
    )
    assert target.endpoint == "http://[::1]:9000/api/v2"
