"""`client.retry`: one test per retry rule, and the `RetryPolicy` value. No test waits:
the `make` fixture's sleep only records, and the real-sleep tests use a zero policy."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx

from reconciler.client import RetryPolicy, WolkvoxClient
from reconciler.errors import (
    ApiError,
    AuthError,
    BadRequest,
    ConfigError,
    NotFound,
    OutcomeUnknown,
    ProtocolError,
    QuotaExhausted,
    TransientError,
)
from reconciler.secret import Secret
from reconciler.vocabulary import CampaignType
from tests.client.helpers import (
    BASE,
    CAMPAIGN_URL,
    LIST_URL,
    TOKEN,
    Sleeps,
    answer,
    body,
    failure_id,
    vendor_error,
)

TRANSIENT: list[httpx.Response | Exception] = [
    vendor_error(403, "EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN (2)"),
    vendor_error(403, "Server backup in progress"),
    vendor_error(500, "Internal error"),
    vendor_error(503, "Service unavailable"),
    httpx.Response(429),
    httpx.ReadTimeout("timed out"),
    httpx.ConnectTimeout("timed out"),
    httpx.ConnectError("connection refused"),
    httpx.RemoteProtocolError("Server disconnected without sending a response."),
    httpx.ReadError("connection reset by peer"),
]


def call_once(api: respx.MockRouter, client: WolkvoxClient, name: str, side: list[Any]) -> Any:
    """Mock the call `name` with the answers `side`, then make it."""
    if name in ("list", "token_info", "skills"):
        route = api.get(LIST_URL).mock(side_effect=side)
        calls: dict[str, Callable[[], object]] = {"list": client.list_campaigns,
            "token_info": client.token_info, "skills": client.skills}  # fmt: skip
        calls[name]()
        return route
    method = {"start": api.put, "stop": api.put, "edit": api.put, "speed": api.put}
    route = method.get(name, api.delete)(CAMPAIGN_URL).mock(side_effect=side)
    if name == "edit":
        client.edit_campaign("5", {"campaign_name": "x"})
    elif name == "speed":
        client.set_speed("5", 10)
    elif name in ("clear", "delete"):
        getattr(client, "clear" if name == "clear" else "delete_campaign")(
            CampaignType.PREVIEW, "5"
        )
    else:
        getattr(client, name)(CampaignType.PREVIEW, "5")
    return route


SUCCESS = {
    "list": answer(200, data=[]),
    "token_info": answer(200, data=[{"token_limit": "9", "token_use_today": "1"}]),
    "skills": answer(200, data=[]),
    "edit": answer(200, data=[{"campaign_id": "5"}]),
    "delete": answer(200, code="200", msg="1 campaigns deleted successfully. 0 operations failed."),
}


@pytest.mark.parametrize("failure", TRANSIENT, ids=failure_id)
@pytest.mark.parametrize(
    "call_name",
    ["list", "start", "stop", "clear", "edit", "speed", "delete", "token_info", "skills"],
)
def test_idempotent_calls_are_retried_on_transient_failures(
    api: respx.MockRouter,
    client: WolkvoxClient,
    sleeps: Sleeps,
    failure: httpx.Response | Exception,
    call_name: str,
) -> None:
    success = SUCCESS.get(call_name, answer(202))
    route = call_once(api, client, call_name, [failure, failure, success])
    assert route.call_count == 3
    assert len(sleeps) == 2


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (vendor_error(401, "PLEASE ENTER THE WOLKVOX-TOKEN"), AuthError),
        (vendor_error(403, "PLEASE VALIDATE TOKEN"), AuthError),
        (vendor_error(403, "TOKEN LIMIT EXCEEDED"), QuotaExhausted),
        (vendor_error(404, "NOT FOUND"), NotFound),
        (vendor_error(400, "SOME PARAMETERS ARE REQUIRED"), BadRequest),
        (httpx.Response(200, text="<html>login</html>"), ProtocolError),
    ],
)
def test_permanent_failures_are_never_retried(
    api: respx.MockRouter,
    client: WolkvoxClient,
    sleeps: Sleeps,
    failure: httpx.Response,
    expected: type[ApiError],
) -> None:
    route = api.put(CAMPAIGN_URL).mock(side_effect=[failure, answer(202)])
    with pytest.raises(expected):
        client.stop(CampaignType.PREVIEW, "5")
    assert route.call_count == 1
    assert sleeps == []


def test_retries_are_bounded_and_the_last_error_says_so(
    api: respx.MockRouter, make: Callable[..., WolkvoxClient], sleeps: Sleeps
) -> None:
    route = api.put(CAMPAIGN_URL).mock(return_value=vendor_error(503, "Service unavailable"))
    client = make(retry=RetryPolicy(retries=3))
    with pytest.raises(TransientError, match="gave up after 4 attempts") as info:
        client.start(CampaignType.PREVIEW, "5", campaign="winter")
    assert route.call_count == 4
    assert len(sleeps) == 3
    assert info.value.status_code == 503 and "winter" in str(info.value)
    assert client.calls == 4


def test_retries_zero_means_one_attempt(
    api: respx.MockRouter, make: Callable[..., WolkvoxClient], sleeps: Sleeps
) -> None:
    route = api.put(CAMPAIGN_URL).mock(return_value=vendor_error(500, "boom"))
    with pytest.raises(TransientError):
        make(retries=0).start(CampaignType.PREVIEW, "5")
    assert route.call_count == 1 and sleeps == []


def test_the_default_policy_is_4_retries_half_a_second_and_8_seconds(
    api: respx.MockRouter, make: Callable[..., WolkvoxClient], sleeps: Sleeps
) -> None:
    assert RetryPolicy() == RetryPolicy(retries=4, base=0.5, cap=8.0)
    api.put(CAMPAIGN_URL).mock(return_value=vendor_error(500, "boom"))
    client = make()
    assert client.retry == RetryPolicy() and client.retries == 4
    with pytest.raises(TransientError, match="gave up after 5 attempts"):
        client.start(CampaignType.PREVIEW, "5")
    assert sleeps == [0.5, 1.0, 2.0, 4.0]


def test_backoff_is_exponential_and_capped(
    api: respx.MockRouter, make: Callable[..., WolkvoxClient], sleeps: Sleeps
) -> None:
    api.put(CAMPAIGN_URL).mock(return_value=vendor_error(500, "boom"))
    with pytest.raises(TransientError):
        make(retry=RetryPolicy(retries=6, base=0.5, cap=4.0)).start(CampaignType.PREVIEW, "5")
    assert sleeps == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]


def test_the_keywords_of_earlier_versions_override_the_policy(
    api: respx.MockRouter, make: Callable[..., WolkvoxClient], sleeps: Sleeps
) -> None:
    api.put(CAMPAIGN_URL).mock(return_value=vendor_error(500, "boom"))
    client = make(retry=RetryPolicy(retries=9, base=5, cap=5), retries=2, backoff=0.25)
    assert client.retry == RetryPolicy(retries=2, base=0.25, cap=5)
    with pytest.raises(TransientError):
        client.start(CampaignType.PREVIEW, "5")
    assert sleeps == [0.25, 0.5]


def test_backoff_uses_full_jitter(
    api: respx.MockRouter, make: Callable[..., WolkvoxClient], sleeps: Sleeps
) -> None:
    draws = iter([0.25, 0.0, 0.5])
    api.put(CAMPAIGN_URL).mock(return_value=vendor_error(500, "boom"))
    with pytest.raises(TransientError):
        make(retry=RetryPolicy(retries=3, base=1.0, cap=100.0), random=lambda: next(draws)).start(
            CampaignType.PREVIEW, "5"
        )
    # a random fraction of 1, 2, 4 seconds: anything from zero up to the ceiling
    assert sleeps == [0.25, 0.0, 2.0]


def test_a_huge_retry_count_does_not_overflow_the_backoff() -> None:
    assert RetryPolicy(retries=5000, base=0.5, cap=8.0).ceiling(5000) == 8.0


def test_the_default_sleep_is_time_sleep_with_the_computed_delay(
    api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    waited = Sleeps()
    monkeypatch.setattr(time, "sleep", waited)
    api.put(CAMPAIGN_URL).mock(side_effect=[vendor_error(500, "boom"), answer(202)])
    policy = RetryPolicy(base=0.05, cap=1.0)
    with WolkvoxClient(BASE, Secret(TOKEN), retry=policy, random=lambda: 1.0) as client:
        client.start(CampaignType.PREVIEW, "5")
    assert waited == [0.05]


def test_a_zero_policy_retries_at_once(api: respx.MockRouter) -> None:
    route = api.put(CAMPAIGN_URL).mock(side_effect=[vendor_error(503, "busy")] * 4 + [answer(202)])
    with WolkvoxClient(BASE, Secret(TOKEN), retry=RetryPolicy(base=0, cap=0)) as client:
        began = time.monotonic()
        client.start(CampaignType.PREVIEW, "5")
        assert time.monotonic() - began < 1
    assert route.call_count == 5


@pytest.mark.parametrize(
    "kwargs",
    [
        {"retries": -1},
        {"retries": 1.5},
        {"retries": True},
        {"base": -1.0},
        {"cap": -0.1},
        {"base": float("nan")},
        {"cap": float("inf")},
        {"base": "1"},
    ],
)
def test_a_nonsense_policy_is_a_config_error(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        RetryPolicy(**kwargs)


@pytest.mark.parametrize("kwargs", [{"retries": -1}, {"backoff": -1.0}, {"max_backoff": -1.0}])
def test_nonsense_retry_keywords_are_config_errors(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        WolkvoxClient(BASE, Secret(TOKEN), **kwargs)


# -- create: never retried once it may have been sent -------------------------------------


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadTimeout("timed out"),
        httpx.WriteTimeout("timed out"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ReadError("connection reset by peer"),
        httpx.WriteError("broken pipe"),
        vendor_error(500, "Internal error"),
        httpx.Response(502, text="<html>Bad gateway</html>"),
        httpx.Response(201, text="<html>created?</html>"),
        httpx.Response(201, json=body(code=201, msg="created")),  # no id in the answer
        httpx.Response(201, json=body(code=201, data=[{"name_campaign": "x"}])),
        httpx.DecodingError("corrupt gzip body"),
    ],
    ids=failure_id,
)
def test_create_whose_outcome_is_unknown_is_never_retried(
    api: respx.MockRouter,
    client: WolkvoxClient,
    sleeps: Sleeps,
    failure: httpx.Response | Exception,
) -> None:
    route = api.post(CAMPAIGN_URL).mock(
        side_effect=[failure, answer(201, data=[{"id_campaign": "9"}])]
    )
    with pytest.raises(OutcomeUnknown, match="re-read the live list") as info:
        client.create_campaign(CampaignType.PREVIEW, {"campaign_name": "x"}, campaign="x")
    assert route.call_count == 1
    assert sleeps == []
    assert info.value.call == "create_campaign" and info.value.campaign == "x"
    assert not info.value.retryable


@pytest.mark.parametrize(
    "refusal",
    [
        httpx.ConnectError("connection refused"),
        httpx.ConnectTimeout("timed out"),
        vendor_error(403, "EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN (2)"),
        vendor_error(403, "Server backup in progress"),
    ],
    ids=failure_id,
)
def test_create_is_retried_only_when_nothing_was_done(
    api: respx.MockRouter,
    client: WolkvoxClient,
    refusal: httpx.Response | Exception,
) -> None:
    route = api.post(CAMPAIGN_URL).mock(
        side_effect=[refusal, answer(201, data=[{"id_campaign": "9"}])]
    )
    assert client.create_campaign(CampaignType.PREVIEW, {}, campaign="x") == "9"
    assert route.call_count == 2


# -- interrupts ----------------------------------------------------------------------------


def test_once_interrupted_a_failed_call_is_not_retried(
    api: respx.MockRouter, make: Callable[..., WolkvoxClient]
) -> None:
    interrupted = threading.Event()
    route = api.put(CAMPAIGN_URL).mock(side_effect=[vendor_error(503, "busy"), answer(202)])
    client = make(interrupted=interrupted)
    interrupted.set()
    with pytest.raises(TransientError, match="not retried: interrupted after attempt 1"):
        client.start(CampaignType.PREVIEW, "101")
    assert route.call_count == 1


def test_an_interrupt_during_the_wait_before_a_retry_ends_it_without_retrying(
    api: respx.MockRouter, make: Callable[..., WolkvoxClient]
) -> None:
    interrupted = threading.Event()

    def draw() -> float:  # the jitter is drawn just before the wait: Ctrl-C arrives now
        interrupted.set()
        return 1.0

    route = api.put(CAMPAIGN_URL).mock(side_effect=[vendor_error(503, "busy"), answer(202)])
    client = make(interrupted=interrupted, retry=RetryPolicy(base=30, cap=30), random=draw)
    began = time.monotonic()
    with pytest.raises(TransientError, match="not retried: interrupted"):
        client.start(CampaignType.PREVIEW, "101")
    assert time.monotonic() - began < 5  # not the 30 s wait
    assert route.call_count == 1
