"""`client.failures`: every answer and transport failure maps to its error class, and
every message names the call and the campaign."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest
import respx

from reconciler.client import WolkvoxClient
from reconciler.client.failures import HTTP_FAILURES
from reconciler.errors import (
    ApiError,
    AuthError,
    BadRequest,
    ConcurrencyLimited,
    NotFound,
    OutcomeUnknown,
    ProtocolError,
    QuotaExhausted,
    TransientError,
)
from reconciler.vocabulary import CampaignType
from tests.client.helpers import CAMPAIGN_URL, LIST_URL, Sleeps, answer, body, vendor_error

ERROR_CASES: list[tuple[httpx.Response, type[ApiError]]] = [
    (vendor_error(401, "PLEASE ENTER THE WOLKVOX-TOKEN"), AuthError),
    (vendor_error(403, "PLEASE VALIDATE TOKEN", code="403"), AuthError),
    (vendor_error(403, "TOKEN LIMIT EXCEEDED"), QuotaExhausted),
    (
        vendor_error(403, "EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN (2)"),
        ConcurrencyLimited,
    ),
    (httpx.Response(429), ConcurrencyLimited),
    (
        httpx.Response(403, text="<html><body>Maintenance: backup in progress</body></html>"),
        TransientError,
    ),
    (vendor_error(500, "Internal error"), TransientError),
    (httpx.Response(502, text="<html>Bad gateway</html>"), TransientError),
    (vendor_error(503, "Service unavailable"), TransientError),
    (vendor_error(404, "NOT FOUND"), NotFound),
    (vendor_error(400, "THE CAMPAIGN DOES NOT EXIST"), NotFound),
    (vendor_error(400, "campaign_id 101 does not match type_campaign"), NotFound),
    (vendor_error(400, "ID 101 DOES NOT EXIST"), NotFound),
    (vendor_error(400, "INVALID PARAMETER 1011"), BadRequest),
    (vendor_error(400, "SOME PARAMETERS ARE REQUIRED"), BadRequest),
    (vendor_error(400, "THE API YOU WANT TO CONSULT DOES NOT EXIST"), BadRequest),
    (vendor_error(405, "METHOD NOT ALLOWED"), BadRequest),
    (httpx.Response(301, headers={"location": "https://x.test/"}), ProtocolError),
    (httpx.Response(200, text="<html><body>Welcome</body></html>"), ProtocolError),
    (
        httpx.Response(200, json=body(code=202, error="FAILED", msg="could not start")),
        ProtocolError,
    ),
    (httpx.Response(200, json=body(code="403", msg="PLEASE VALIDATE TOKEN")), ProtocolError),
    (httpx.Response(202, json=["not", "an", "object"]), ProtocolError),
]


@pytest.mark.parametrize(("response", "expected"), ERROR_CASES)
def test_each_answer_maps_to_its_error_class_naming_call_and_campaign(
    api: respx.MockRouter,
    make: Callable[..., WolkvoxClient],
    response: httpx.Response,
    expected: type[ApiError],
) -> None:
    api.put(CAMPAIGN_URL).mock(return_value=response)
    client = make(retries=0)
    with pytest.raises(ApiError) as info:
        client.start(CampaignType.PREDICTIVE, "101", campaign="summer-sale")
    error = info.value
    assert type(error) is expected
    assert error.call == "start"
    assert "summer-sale" in str(error) and "101" in str(error)
    assert str(response.status_code) in str(error) or response.status_code == 200


def test_the_table_has_one_row_per_documented_403_refusal() -> None:
    words = [row.words for row in HTTP_FAILURES if 403 in row.statuses]
    assert words == ["TOKEN LIMIT", "SIMULTANEOUS", "VALIDATE TOKEN", "WOLKVOX-TOKEN", None]


def test_auth_errors_say_to_check_the_token(
    api: respx.MockRouter, make: Callable[..., WolkvoxClient]
) -> None:
    api.put(CAMPAIGN_URL).mock(return_value=vendor_error(401, "PLEASE ENTER THE WOLKVOX-TOKEN"))
    with pytest.raises(AuthError, match=re.escape("(check the token)")):
        make().start(CampaignType.PREVIEW, "1")


def test_a_404_on_the_list_is_a_bad_request_not_a_missing_campaign(
    api: respx.MockRouter, client: WolkvoxClient
) -> None:
    api.get(LIST_URL).mock(return_value=vendor_error(404, "NOT FOUND"))
    with pytest.raises(BadRequest):
        client.list_campaigns()


def test_error_messages_quote_the_vendor_and_strip_html(
    api: respx.MockRouter, make: Callable[..., WolkvoxClient]
) -> None:
    api.put(CAMPAIGN_URL).mock(
        return_value=httpx.Response(502, text="<html><body><h1>Bad gateway</h1></body></html>")
    )
    with pytest.raises(TransientError) as info:
        make(retries=0).stop(CampaignType.PREVIEW, "9")
    assert "Bad gateway" in str(info.value) and "<h1>" not in str(info.value)


def test_a_long_body_is_cut_to_200_characters(
    api: respx.MockRouter, make: Callable[..., WolkvoxClient]
) -> None:
    api.put(CAMPAIGN_URL).mock(return_value=httpx.Response(400, text="x" * 5000))
    with pytest.raises(BadRequest) as info:
        make().stop(CampaignType.PREVIEW, "9")
    assert "x" * 200 + "…" in info.value.message and "x" * 201 not in info.value.message


def test_an_unreadable_answer_is_a_protocol_error_not_a_crash(
    api: respx.MockRouter, client: WolkvoxClient, sleeps: Sleeps
) -> None:
    route = api.get(LIST_URL).mock(side_effect=httpx.DecodingError("corrupt gzip body"))
    with pytest.raises(ProtocolError, match="could not be read"):
        client.list_campaigns()
    assert route.call_count == 1 and sleeps == []
    assert client.calls == 1


@pytest.mark.parametrize(
    ("failure", "words"),
    [
        (httpx.ConnectError("connection refused"), "could not connect to http://wolkvox.test"),
        (httpx.ConnectTimeout("timed out"), "could not connect"),
        (httpx.ReadTimeout("timed out"), "no answer within 60 s (ReadTimeout)"),
        (httpx.WriteTimeout("timed out"), "no answer within 60 s"),
        (httpx.ReadError("reset"), "the connection failed (ReadError: reset)"),
        (httpx.RemoteProtocolError("dropped"), "the connection failed"),
    ],
)
def test_transport_failures_are_transient_and_say_what_happened(
    api: respx.MockRouter,
    make: Callable[..., WolkvoxClient],
    failure: Exception,
    words: str,
) -> None:
    api.put(CAMPAIGN_URL).mock(side_effect=failure)
    with pytest.raises(TransientError, match=re.escape(words)):
        make(retries=0).start(CampaignType.PREVIEW, "1", campaign="x")


def test_redirects_are_not_followed(api: respx.MockRouter, client: WolkvoxClient) -> None:
    api.get(LIST_URL).mock(
        return_value=httpx.Response(301, headers={"location": "https://elsewhere.test/"})
    )
    other = api.get("https://elsewhere.test/").mock(return_value=answer(200, data=[]))
    with pytest.raises(ProtocolError, match=re.escape("redirected to https://elsewhere.test/")):
        client.list_campaigns()
    assert other.call_count == 0  # the token never travels to another host


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (vendor_error(400, "SOME PARAMETERS ARE REQUIRED"), BadRequest),
        (vendor_error(400, "campaign_name is required"), BadRequest),
        (vendor_error(403, "TOKEN LIMIT EXCEEDED"), QuotaExhausted),
        (vendor_error(401, "PLEASE ENTER THE WOLKVOX-TOKEN"), AuthError),
        (httpx.Response(302, headers={"location": "/login"}), ProtocolError),
        (vendor_error(500, "Internal error"), OutcomeUnknown),
    ],
)
def test_create_refusals_keep_their_class_and_a_5xx_is_an_unknown_outcome(
    api: respx.MockRouter,
    client: WolkvoxClient,
    failure: httpx.Response,
    expected: type[ApiError],
) -> None:
    route = api.post(CAMPAIGN_URL).mock(return_value=failure)
    with pytest.raises(expected):
        client.create_campaign(CampaignType.PREVIEW, {}, campaign="x")
    assert route.call_count == 1
