"""`client.session`: the token header, the vendor's limit of requests in flight, the count
of requests that may have reached the server, one log line per attempt."""

from __future__ import annotations

import gc
import gzip
import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import respx

from reconciler.client import MAX_IN_FLIGHT, TOKEN_HEADER, WolkvoxClient, session
from reconciler.errors import ApiError, ConfigError, TransientError
from reconciler.manifest.desired import Operation
from reconciler.secret import Secret
from reconciler.vocabulary import CampaignType
from tests.client.helpers import (
    BASE,
    CAMPAIGN_URL,
    LIST_URL,
    TOKEN,
    answer,
    only_request,
    row,
    vendor_error,
)
from tests.helpers import client_for


class InFlight:
    """A respx side effect that records how many requests are inside the server at once."""

    def __init__(self, hold: float = 0.05) -> None:
        self.hold = hold
        self.now = 0
        self.peak = 0
        self.lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
        time.sleep(self.hold)  # a server busy with the request: what makes overlap visible
        with self.lock:
            self.now -= 1
        return answer(202)


def run_in_threads(n: int, target: Callable[[], None]) -> None:
    start = threading.Barrier(n)
    errors: list[BaseException] = []

    def worker() -> None:
        start.wait()
        try:
            target()
        except BaseException as exc:  # surfaced below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert not errors, errors


# -- concurrency limit, call counting -------------------------------------------------------


@pytest.mark.parametrize("limit", [1, 2])
def test_at_most_max_in_flight_requests_are_in_flight(
    api: respx.MockRouter, make: Callable[..., WolkvoxClient], limit: int
) -> None:
    server = InFlight()
    api.put(CAMPAIGN_URL).mock(side_effect=server)
    client = make(max_in_flight=limit)
    run_in_threads(4, lambda: client.start(CampaignType.PREVIEW, "1"))
    assert server.peak == limit  # never more; and 2 really does run two at once
    assert client.calls == 4


def test_a_call_is_made_from_the_calling_thread_and_close_ends_the_watchdog(
    api: respx.MockRouter, make: Callable[..., WolkvoxClient]
) -> None:
    """No hand-off to another thread and back (two wake-ups a call): the deadline is kept
    by one watchdog thread, which ends with the client."""
    callers: list[threading.Thread] = []

    def record(request: httpx.Request) -> httpx.Response:
        callers.append(threading.current_thread())
        return answer(202)

    before = {t for t in threading.enumerate() if t.name == "wolkvox-deadline"}
    api.put(CAMPAIGN_URL).mock(side_effect=record)
    client = make()
    for _ in range(3):
        client.start(CampaignType.PREVIEW, "1")
    assert callers == [threading.current_thread()] * 3
    (watchdog,) = {t for t in threading.enumerate() if t.name == "wolkvox-deadline"} - before
    client.close()
    watchdog.join(timeout=5)
    assert not watchdog.is_alive()
    client.close()  # twice is harmless


@pytest.mark.parametrize("limit", [0, 3, -1])
def test_max_in_flight_beyond_the_vendor_limit_is_a_config_error(limit: int) -> None:
    assert MAX_IN_FLIGHT == 2
    with pytest.raises(ConfigError, match="max_in_flight"):
        WolkvoxClient(BASE, Secret(TOKEN), max_in_flight=limit)


def test_calls_counts_every_request_sent_including_retries(
    api: respx.MockRouter, client: WolkvoxClient
) -> None:
    api.get(LIST_URL).mock(return_value=answer(200, data=[]))
    api.put(CAMPAIGN_URL).mock(
        side_effect=[vendor_error(500, "x"), httpx.ReadTimeout("slow"), answer(202)]
    )
    assert client.calls == 0
    client.list_campaigns()
    assert client.calls == 1
    client.start(CampaignType.PREVIEW, "1")
    assert client.calls == 4


def test_calls_does_not_count_requests_that_never_connected(
    api: respx.MockRouter, client: WolkvoxClient
) -> None:
    api.put(CAMPAIGN_URL).mock(side_effect=[httpx.ConnectError("refused"), answer(202)])
    client.start(CampaignType.PREVIEW, "1")
    assert client.calls == 1


def test_calls_is_exact_under_threads(
    api: respx.MockRouter, make: Callable[..., WolkvoxClient]
) -> None:
    api.put(CAMPAIGN_URL).mock(side_effect=InFlight(hold=0.0))
    client = make(max_in_flight=2)

    def many() -> None:
        for _ in range(25):
            client.stop(CampaignType.PREVIEW, "1")

    run_in_threads(4, many)
    assert client.calls == 100


# -- the token header ------------------------------------------------------------------------


def test_the_token_comes_from_the_variable_the_operation_names(api: respx.MockRouter) -> None:
    route = api.put(CAMPAIGN_URL).mock(return_value=answer(202))
    environ = {"WOLKVOX_TOKEN": "the-wrong-one", "OPS_TOKEN": TOKEN}
    with client_for(
        Operation(token_env="OPS_TOKEN"), endpoint="http://wolkvox.test", environ=environ
    ) as client:
        client.start(CampaignType.PREVIEW, "1")
    assert only_request(route).headers[TOKEN_HEADER] == TOKEN


@pytest.mark.parametrize("environ", [{}, {"OPS_TOKEN": ""}, {"OPS_TOKEN": "   "}])
def test_a_missing_token_is_a_config_error_before_any_call(
    api: respx.MockRouter, environ: dict[str, str]
) -> None:
    api.route().mock(return_value=answer(200, data=[]))
    with pytest.raises(ConfigError, match="OPS_TOKEN"):
        client_for(
            Operation(token_env="OPS_TOKEN"), endpoint="http://wolkvox.test", environ=environ
        )
    assert api.calls.call_count == 0


@pytest.mark.parametrize("bad", ["tok\nx: y", "tok\x01x", "tok\u00e9n", "a\rb"])
def test_a_token_no_header_can_carry_is_a_config_error_that_does_not_quote_it(
    api: respx.MockRouter, bad: str
) -> None:
    api.route().mock(return_value=answer(200, data=[]))
    with pytest.raises(ConfigError, match="cannot carry") as info:
        WolkvoxClient(BASE, Secret(bad))
    assert bad not in str(info.value) and repr(bad)[1:-1] not in str(info.value)
    assert api.calls.call_count == 0


def test_a_token_with_inner_spaces_is_sent_as_is(api: respx.MockRouter) -> None:
    route = api.route().mock(return_value=answer(200, data=[]))
    with WolkvoxClient(BASE, Secret("Bearer abc 123")) as client:
        client.list_campaigns()
    assert route.calls.last.request.headers[TOKEN_HEADER] == "Bearer abc 123"


def test_config_errors_do_not_carry_the_token() -> None:
    with pytest.raises(ConfigError) as info:
        WolkvoxClient(BASE, Secret(TOKEN), max_in_flight=5)
    assert TOKEN not in str(info.value)


# -- options ---------------------------------------------------------------------------------


def test_default_timeout_is_the_vendors_60_seconds_and_is_configurable(
    api: respx.MockRouter, make: Callable[..., WolkvoxClient]
) -> None:
    route = api.put(CAMPAIGN_URL).mock(return_value=answer(202))
    make().start(CampaignType.PREVIEW, "1")
    make(timeout=5).start(CampaignType.PREVIEW, "1")
    timeouts = [call.request.extensions["timeout"] for call in route.calls]
    assert timeouts[0] == {"connect": 60.0, "read": 60.0, "write": 60.0, "pool": 60.0}
    assert 4 < timeouts[1]["read"] <= 5  # what is left of the call's 5 s


@pytest.mark.parametrize("timeout", [0, -1, float("nan"), float("inf"), True, "60"])
def test_a_nonsense_timeout_is_a_config_error(timeout: Any) -> None:
    with pytest.raises(ConfigError, match="timeout"):
        WolkvoxClient(BASE, Secret(TOKEN), timeout=timeout)


def test_the_client_takes_its_options(api: respx.MockRouter) -> None:
    with client_for(
        Operation(),
        endpoint="http://wolkvox.test",
        environ={"WOLKVOX_TOKEN": TOKEN},
        max_in_flight=2,
        retries=1,
        timeout=3.0,
    ) as client:
        assert (client.max_in_flight, client.retries, client.timeout) == (2, 1, 3.0)


def test_close_closes_the_connection_pool(api: respx.MockRouter) -> None:
    api.put(CAMPAIGN_URL).mock(return_value=answer(202))
    with WolkvoxClient(BASE, Secret(TOKEN)) as client:
        client.start(CampaignType.PREVIEW, "1")
    with pytest.raises(RuntimeError):
        client.start(CampaignType.PREVIEW, "1")


# -- logging ---------------------------------------------------------------------------------


def test_one_info_line_per_request_with_method_api_id_status_duration_attempt(
    api: respx.MockRouter, client: WolkvoxClient, caplog: pytest.LogCaptureFixture
) -> None:
    api.put(CAMPAIGN_URL).mock(side_effect=[vendor_error(503, "busy"), answer(202)])
    caplog.set_level(logging.INFO, logger="reconciler.client")
    client.start(CampaignType.PREVIEW, "101")
    lines = [
        r.getMessage()
        for r in caplog.records
        if r.name == "reconciler.client" and "->" in r.getMessage()
    ]
    assert len(lines) == 2
    assert lines[0].startswith("PUT start campaign_id=101 -> 503 in ")
    assert lines[0].endswith("ms (attempt 1 of 5)")
    assert lines[1].startswith("PUT start campaign_id=101 -> 202 in ")
    assert lines[1].endswith("ms (attempt 2 of 5)")
    for record in caplog.records:
        assert record.levelno == logging.INFO
        assert "wolkvox-token" not in record.getMessage().lower()


def test_a_retry_wait_is_logged_at_debug(
    api: respx.MockRouter, client: WolkvoxClient, caplog: pytest.LogCaptureFixture
) -> None:
    api.put(CAMPAIGN_URL).mock(side_effect=[vendor_error(503, "busy"), answer(202)])
    caplog.set_level(logging.DEBUG, logger="reconciler.client")
    client.start(CampaignType.PREVIEW, "101")
    assert "PUT start: TransientError; retrying in 0.50 s (attempt 2 of 5)" in caplog.text


def test_a_failed_connection_is_logged_by_its_kind(
    api: respx.MockRouter, make: Callable[..., WolkvoxClient], caplog: pytest.LogCaptureFixture
) -> None:
    api.get(LIST_URL).mock(side_effect=httpx.ReadTimeout("slow"))
    caplog.set_level(logging.INFO, logger="reconciler.client")
    with pytest.raises(TransientError, match="no answer within 60 s"):
        make(retries=0).list_campaigns()
    assert "GET campaigns campaign_id=- -> ReadTimeout in " in caplog.text


def test_only_an_https_endpoint_loads_the_ca_bundle(monkeypatch: pytest.MonkeyPatch) -> None:
    from reconciler.client import session

    def not_for_http() -> None:
        raise AssertionError("the CA bundle was loaded for an http:// endpoint")

    monkeypatch.setattr(session, "_tls_context", not_for_http)
    WolkvoxClient("http://wolkvox.test/api/v2/", Secret(TOKEN)).close()
    # what an http:// endpoint gets instead verifies, and trusts no CA: TLS fails closed
    context = session._no_tls_context()
    assert context.verify_mode.name == "CERT_REQUIRED" and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] == 0
    monkeypatch.undo()
    assert session._tls_context().cert_store_stats()["x509_ca"] > 0


@pytest.mark.parametrize(
    "headers, content",
    [
        ({}, b'{"code": 200, "msg": "' + b"x" * 4000 + b'"}'),  # its length declared
        ({"content-encoding": "gzip"}, gzip.compress(b'{"code": 200, "msg": "' + b"x" * 4000)),
    ],
    ids=["declared", "inflating"],
)
def test_an_answer_larger_than_the_limit_is_refused_not_kept(
    api: respx.MockRouter,
    make: Callable[..., WolkvoxClient],
    monkeypatch: pytest.MonkeyPatch,
    headers: dict[str, str],
    content: bytes,
) -> None:
    monkeypatch.setattr(session, "MAX_ANSWER_BYTES", 1000)
    assert len(content) < 1000 or not headers  # a compressed one only grows past it
    api.get(LIST_URL).mock(return_value=httpx.Response(200, headers=headers, content=content))
    with pytest.raises(ApiError, match="larger than"):
        make(retries=0).list_campaigns()


def test_an_answer_within_the_limit_is_read_whole_compressed_or_not(
    api: respx.MockRouter, make: Callable[..., WolkvoxClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session, "MAX_ANSWER_BYTES", 1000)
    body = b'{"code": 200, "msg": "0 records were found", "data": []}'
    api.get(LIST_URL).mock(
        side_effect=[
            httpx.Response(200, content=body),
            httpx.Response(200, headers={"content-encoding": "gzip"}, content=gzip.compress(body)),
        ]
    )
    client = make(retries=0)
    assert client.list_campaigns() == []
    assert client.list_campaigns() == []


def test_a_large_answer_does_not_outlive_its_call_while_the_cycle_collector_is_off() -> None:
    # a plan runs with the collector off: an answer held by a reference cycle (httpx's
    # streamed response is in one) would stay in memory for the rest of the plan
    body = answer(200, data=[row(campaign_id=str(i)) for i in range(1000)]).content
    assert len(body) > session.SMALL_ANSWER_BYTES

    class Pieces(httpx.SyncByteStream):  # as a socket delivers it: not read in advance
        def __iter__(self) -> Iterator[bytes]:
            yield body[:1000]
            yield body[1000:]

    def server(request: httpx.Request) -> httpx.Response:
        headers = {"content-type": "application/json", "content-length": str(len(body))}
        return httpx.Response(200, headers=headers, stream=Pieces())

    client = WolkvoxClient(BASE, Secret(TOKEN), transport=httpx.MockTransport(server))
    gc.collect()
    gc.disable()
    try:
        assert len(client.list_campaigns()) == 1000
        kept = [
            o
            for o in gc.get_objects()
            if isinstance(o, httpx.Response)
            and len(getattr(o, "_content", b"")) > session.SMALL_ANSWER_BYTES
        ]
    finally:
        gc.enable()
        client.close()
    assert kept == []
