"""The API client against respx: every call, every error class, every retry rule."""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import respx
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.client import WolkvoxClient, endpoint_base_url
from reconciler.desired import Campaign, Operation, create_params
from reconciler.errors import (
    ApiError,
    AuthError,
    BadRequest,
    ConcurrencyLimited,
    ConfigError,
    NotFound,
    OutcomeUnknown,
    ProtocolError,
    QuotaExhausted,
    TransientError,
)
from reconciler.live import LiveCampaign
from reconciler.secret import Secret
from reconciler.vocabulary import RESULTS, CampaignType, DesiredState, LiveStatus

BASE = "http://wolkvox.test/api/v2/"
TOKEN = "tok-5f1c9e2a7b-very-secret"
LIST_URL = BASE + "information.php"
CAMPAIGN_URL = BASE + "campaign.php"


def body(code: Any = 202, msg: str = "ok", error: Any = None, **extra: Any) -> dict[str, Any]:
    return {"code": code, "error": error, "msg": msg, **extra}


def answer(status: int = 200, **kwargs: Any) -> httpx.Response:
    return httpx.Response(status, json=body(code=kwargs.pop("code", status), **kwargs))


def row(**fields: str) -> dict[str, str]:
    base = {
        "campaign_id": "101",
        "campaign_name": "summer-sale",
        "campaign_description": "Summer",
        "type_campaign": "predictive",
        "status": "Started",
        "records": "250",
        "speed": "1.5",
        "dial_mode": "autopilot",
        "last_use": "2026-11-20 10:00:00",
        "recycled": "0",
        "turbo_dial": "no",
    }
    base.update(fields)
    return base


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def make(sleeps: Sleeps) -> Iterator[Callable[..., WolkvoxClient]]:
    made: list[WolkvoxClient] = []

    def factory(**kwargs: Any) -> WolkvoxClient:
        kwargs.setdefault("sleep", sleeps)
        kwargs.setdefault("random", lambda: 1.0)  # the backoff ceiling itself
        client = WolkvoxClient(BASE, Secret(TOKEN), **kwargs)
        made.append(client)
        return client

    yield factory
    for client in made:
        client.close()


@pytest.fixture
def client(make: Callable[..., WolkvoxClient]) -> WolkvoxClient:
    return make()


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        yield router


def only_request(route: respx.Route) -> httpx.Request:
    assert route.call_count == 1
    request: httpx.Request = route.calls.last.request
    return request


# -- every call: URL, method, headers, body ---------------------------------------------------


def test_list_campaigns_sends_the_documented_request_and_parses_rows(
    api: respx.MockRouter, client: WolkvoxClient
) -> None:
    route = api.get(LIST_URL).mock(
        return_value=httpx.Response(
            200, json=body(code="", msg="1 records were found", data=[row()])
        )
    )
    live = client.list_campaigns()
    request = only_request(route)
    assert request.method == "GET"
    assert str(request.url) == LIST_URL + "?api=campaigns"
    assert request.headers["wolkvox-token"] == TOKEN
    assert request.content == b""
    assert live == [
        LiveCampaign(
            campaign_id="101",
            name="summer-sale",
            type=CampaignType.PREDICTIVE,
            status=LiveStatus.STARTED,
            records=250,
            description="Summer",
        )
    ]
    assert dict(live[0].extra) == {
        "speed": "1.5",
        "dial_mode": "autopilot",
        "last_use": "2026-11-20 10:00:00",
        "recycled": "0",
        "turbo_dial": "no",
    }


def test_create_posts_the_exact_create_params_body_and_returns_the_id(
    api: respx.MockRouter, client: WolkvoxClient
) -> None:
    campaign = Campaign(
        name="winter",
        type=CampaignType.PREVIEW,
        state=DesiredState.STOPPED,
        description="Winter leads",
        skill_id="7",
        start_time="08:00:00",
        end_time="18:30:00",
        options={"opt1": "a", "opt12": "z"},
        enable_edition=True,
    )
    route = api.post(CAMPAIGN_URL).mock(
        return_value=answer(201, data=[{"id_campaign": "555", "name_campaign": "winter"}])
    )
    new_id = client.create_campaign(
        CampaignType.PREVIEW, create_params(campaign), campaign="winter"
    )
    request = only_request(route)
    assert new_id == "555"
    assert request.method == "POST"
    assert str(request.url) == CAMPAIGN_URL + "?api=create_campaign&type_campaign=preview"
    assert request.headers["wolkvox-token"] == TOKEN
    assert request.headers["content-type"] == "application/json"
    sent = json.loads(request.content)
    assert sent == create_params(campaign)
    assert sent["start_time"] == "080000" and sent["end_time"] == "183000"
    assert sent["enable_edition"] == "yes"
    assert list(sent) == list(create_params(campaign))  # every documented field, in order


@pytest.mark.parametrize(
    "data",
    [
        [{"id_campaing": "556", "name_campaing": "x"}],  # the create page's table spelling
        [{"id_campaign": 556, "name_campaign": "x"}],  # a number instead of a string
    ],
)
def test_create_accepts_both_spellings_of_the_id(
    api: respx.MockRouter, client: WolkvoxClient, data: list[dict[str, Any]]
) -> None:
    api.post(CAMPAIGN_URL).mock(return_value=answer(201, code="201", data=data))
    assert client.create_campaign(CampaignType.PREDICTIVE, {}, campaign="x") == "556"


@pytest.mark.parametrize(
    ("call", "api_name"), [(WolkvoxClient.start, "start"), (WolkvoxClient.stop, "stop")]
)
def test_start_and_stop_put_the_documented_url(
    api: respx.MockRouter,
    client: WolkvoxClient,
    call: Callable[..., None],
    api_name: str,
) -> None:
    route = api.put(CAMPAIGN_URL).mock(return_value=answer(202))
    call(client, CampaignType.PREDICTIVE, "101", campaign="summer-sale")
    request = only_request(route)
    assert request.method == "PUT"
    assert str(request.url) == (
        f"{CAMPAIGN_URL}?api={api_name}&type_campaign=predictive&campaign_id=101"
    )
    assert request.headers["wolkvox-token"] == TOKEN
    assert request.content == b""


def test_clear_deletes_all_records_without_result(
    api: respx.MockRouter, client: WolkvoxClient
) -> None:
    route = api.delete(CAMPAIGN_URL).mock(return_value=answer(202))
    client.clear(CampaignType.PREVIEW, "7")
    request = only_request(route)
    assert request.method == "DELETE"
    assert (
        str(request.url) == f"{CAMPAIGN_URL}?api=clear_campaign&type_campaign=preview&campaign_id=7"
    )
    assert request.headers["wolkvox-token"] == TOKEN


@pytest.mark.parametrize("result", RESULTS)
def test_clear_with_a_result_filter_sends_it(
    api: respx.MockRouter, client: WolkvoxClient, result: str
) -> None:
    route = api.delete(CAMPAIGN_URL).mock(return_value=answer(202))
    client.clear(CampaignType.PREVIEW, "7", result)
    assert only_request(route).url.params["result"] == result


@pytest.mark.parametrize("result", ["", "Busy", "voicemail", "answer "])
def test_clear_refuses_an_undocumented_result_before_any_request(
    api: respx.MockRouter, client: WolkvoxClient, result: str
) -> None:
    route = api.delete(CAMPAIGN_URL).mock(return_value=answer(202))
    with pytest.raises(BadRequest, match="invalid result filter") as info:
        client.clear(CampaignType.PREVIEW, "7", result, campaign="winter")
    assert "winter" in str(info.value) and "clear_campaign" in str(info.value)
    assert route.call_count == 0
    assert client.calls == 0


def test_a_missing_campaign_id_is_refused_before_any_request(
    api: respx.MockRouter, client: WolkvoxClient
) -> None:
    route = api.put(CAMPAIGN_URL).mock(return_value=answer(202))
    with pytest.raises(BadRequest, match="no campaign_id"):
        client.start(CampaignType.PREVIEW, "", campaign="winter")
    assert route.call_count == 0


def test_default_timeout_is_the_vendors_60_seconds_and_is_configurable(
    api: respx.MockRouter, make: Callable[..., WolkvoxClient]
) -> None:
    route = api.put(CAMPAIGN_URL).mock(return_value=answer(202))
    make().start(CampaignType.PREVIEW, "1")
    make(timeout=5).start(CampaignType.PREVIEW, "1")
    timeouts = [call.request.extensions["timeout"] for call in route.calls]
    assert timeouts[0] == {"connect": 60.0, "read": 60.0, "write": 60.0, "pool": 60.0}
    assert timeouts[1]["read"] == 5


def test_redirects_are_not_followed(api: respx.MockRouter, client: WolkvoxClient) -> None:
    api.get(LIST_URL).mock(
        return_value=httpx.Response(301, headers={"location": "https://elsewhere.test/"})
    )
    other = api.get("https://elsewhere.test/").mock(return_value=answer(200, data=[]))
    with pytest.raises(ProtocolError, match=re.escape("redirected to https://elsewhere.test/")):
        client.list_campaigns()
    assert other.call_count == 0  # the token never travels to another host


# -- the list's tolerances and its protocol errors --------------------------------------------


@pytest.mark.parametrize("code", ["", "200", 200])
@pytest.mark.parametrize("status", ["Started", "started", "STARTED", " started "])
def test_list_tolerates_code_as_int_or_string_and_status_in_any_case(
    api: respx.MockRouter, client: WolkvoxClient, code: Any, status: str
) -> None:
    api.get(LIST_URL).mock(
        return_value=httpx.Response(200, json=body(code=code, data=[row(status=status)]))
    )
    assert client.list_campaigns()[0].status is LiveStatus.STARTED


def test_list_reads_type_in_any_case(api: respx.MockRouter, client: WolkvoxClient) -> None:
    api.get(LIST_URL).mock(
        return_value=httpx.Response(200, json=body(data=[row(type_campaign="Preview")]))
    )
    assert client.list_campaigns()[0].type is CampaignType.PREVIEW


@pytest.mark.parametrize(("records", "count"), [("", 0), (" ", 0), ("0", 0), ("42", 42), (7, 7)])
def test_list_records_empty_means_zero(
    api: respx.MockRouter, client: WolkvoxClient, records: Any, count: int
) -> None:
    api.get(LIST_URL).mock(return_value=httpx.Response(200, json=body(data=[row(records=records)])))
    assert client.list_campaigns()[0].records == count


@pytest.mark.parametrize("records", ["12a", "-1", "1.5", "lots", None, True, [], "١٢"])
def test_list_records_not_a_number_is_a_protocol_error_naming_field_and_campaign(
    api: respx.MockRouter, client: WolkvoxClient, records: Any
) -> None:
    api.get(LIST_URL).mock(
        return_value=httpx.Response(
            200,
            json=body(data=[row(), row(campaign_id="102", campaign_name="fall", records=records)]),
        )
    )
    with pytest.raises(ProtocolError) as info:
        client.list_campaigns()
    text = str(info.value)
    assert "records" in text and "fall" in text and "102" in text and "campaigns" in text


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("status", "Running", "status"),
        ("status", None, "status"),
        ("type_campaign", "manual", "type_campaign"),
        ("campaign_id", "", "campaign_id"),
        ("campaign_id", None, "campaign_id"),
        ("campaign_name", None, "campaign_name"),
    ],
)
def test_list_row_with_a_bad_field_is_a_protocol_error(
    api: respx.MockRouter, client: WolkvoxClient, field: str, value: Any, expected: str
) -> None:
    bad = row()
    if value is None:
        del bad[field]
    else:
        bad[field] = value
    api.get(LIST_URL).mock(return_value=httpx.Response(200, json=body(data=[bad])))
    with pytest.raises(ProtocolError, match=expected):
        client.list_campaigns()


@pytest.mark.parametrize(
    "payload",
    [
        body(data={"campaign_id": "1"}),  # an object, not a list
        body(data=["101"]),  # rows that are not objects
        body(msg="campaigns"),  # no data and no "0 records"
        [row()],  # a bare list instead of the envelope
        "ok",
    ],
)
def test_list_of_the_wrong_shape_is_a_protocol_error(
    api: respx.MockRouter, client: WolkvoxClient, payload: Any
) -> None:
    api.get(LIST_URL).mock(return_value=httpx.Response(200, json=payload))
    with pytest.raises(ProtocolError):
        client.list_campaigns()


@pytest.mark.parametrize(
    "payload", [body(msg="0 records were found"), body(msg="0 records were found", data=None)]
)
def test_an_empty_operation_may_come_without_data(
    api: respx.MockRouter, client: WolkvoxClient, payload: dict[str, Any]
) -> None:
    api.get(LIST_URL).mock(return_value=httpx.Response(200, json=payload))
    assert client.list_campaigns() == []


def test_list_with_an_empty_data_list_is_empty(
    api: respx.MockRouter, client: WolkvoxClient
) -> None:
    api.get(LIST_URL).mock(return_value=httpx.Response(200, json=body(data=[])))
    assert client.list_campaigns() == []


def list_with_records(client_records: list[Any]) -> httpx.MockTransport:
    """A transport whose list answer carries `client_records[0]` as the record count."""
    return httpx.MockTransport(
        lambda request: httpx.Response(200, json=body(data=[row(records=client_records[0])]))
    )


def test_any_digit_string_is_a_record_count() -> None:
    records: list[Any] = [""]
    with WolkvoxClient(BASE, Secret(TOKEN), transport=list_with_records(records)) as client:

        @settings(max_examples=50, deadline=None)
        @given(count=st.integers(min_value=0, max_value=10**12), pad=st.sampled_from(["", " "]))
        def check(count: int, pad: str) -> None:
            records[0] = f"{pad}{count}{pad}"
            assert client.list_campaigns()[0].records == count

        check()


def test_any_non_numeric_record_count_is_refused() -> None:
    records: list[Any] = [""]
    with WolkvoxClient(BASE, Secret(TOKEN), transport=list_with_records(records)) as client:

        @settings(max_examples=50, deadline=None)
        @given(st.text(min_size=1, max_size=8).filter(lambda t: not t.strip().isdigit()))
        def check(text: str) -> None:
            records[0] = text
            if not text.strip():
                assert client.list_campaigns()[0].records == 0  # blank means none
                return
            with pytest.raises(ProtocolError, match="records"):
                client.list_campaigns()

        check()


# -- error classes ----------------------------------------------------------------------------


def vendor_error(status: int, msg: str, code: Any = None) -> httpx.Response:
    reason = httpx.codes.get_reason_phrase(status).upper()
    return httpx.Response(
        status, json={"code": status if code is None else code, "error": reason, "msg": msg}
    )


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


def test_an_unreadable_answer_is_a_protocol_error_not_a_crash(
    api: respx.MockRouter, client: WolkvoxClient, sleeps: Sleeps
) -> None:
    route = api.get(LIST_URL).mock(side_effect=httpx.DecodingError("corrupt gzip body"))
    with pytest.raises(ProtocolError, match="could not be read"):
        client.list_campaigns()
    assert route.call_count == 1 and sleeps == []
    assert client.calls == 1


# -- retry rules: one test per rule -----------------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [
        vendor_error(403, "EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN (2)"),
        vendor_error(403, "Server backup in progress"),
        vendor_error(500, "Internal error"),
        vendor_error(503, "Service unavailable"),
        httpx.ReadTimeout("timed out"),
        httpx.ConnectTimeout("timed out"),
        httpx.ConnectError("connection refused"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ReadError("connection reset by peer"),
    ],
    ids=lambda f: f"HTTP {f.status_code}" if isinstance(f, httpx.Response) else type(f).__name__,
)
@pytest.mark.parametrize("call_name", ["list", "start", "stop", "clear"])
def test_idempotent_calls_are_retried_on_transient_failures(
    api: respx.MockRouter,
    client: WolkvoxClient,
    sleeps: Sleeps,
    failure: httpx.Response | Exception,
    call_name: str,
) -> None:
    success = answer(200, data=[]) if call_name == "list" else answer(202)
    if call_name == "list":
        route = api.get(LIST_URL).mock(side_effect=[failure, failure, success])
        client.list_campaigns()
    else:
        method = {"start": api.put, "stop": api.put, "clear": api.delete}[call_name]
        route = method(CAMPAIGN_URL).mock(side_effect=[failure, failure, success])
        getattr(client, call_name)(CampaignType.PREVIEW, "5")
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
    client = make(retries=3)
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


def test_backoff_is_exponential_and_capped(
    api: respx.MockRouter, make: Callable[..., WolkvoxClient], sleeps: Sleeps
) -> None:
    api.put(CAMPAIGN_URL).mock(return_value=vendor_error(500, "boom"))
    with pytest.raises(TransientError):
        make(retries=6, backoff=0.5, max_backoff=4.0).start(CampaignType.PREVIEW, "5")
    assert sleeps == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]


def test_backoff_uses_full_jitter(
    api: respx.MockRouter, make: Callable[..., WolkvoxClient], sleeps: Sleeps
) -> None:
    draws = iter([0.25, 0.0, 0.5])
    api.put(CAMPAIGN_URL).mock(return_value=vendor_error(500, "boom"))
    with pytest.raises(TransientError):
        make(retries=3, backoff=1.0, max_backoff=100.0, random=lambda: next(draws)).start(
            CampaignType.PREVIEW, "5"
        )
    # a random fraction of 1, 2, 4 seconds: anything from zero up to the ceiling
    assert sleeps == [0.25, 0.0, 2.0]


def test_the_default_sleep_is_real_time_and_small(api: respx.MockRouter) -> None:
    api.put(CAMPAIGN_URL).mock(side_effect=[vendor_error(500, "boom"), answer(202)])
    with WolkvoxClient(BASE, Secret(TOKEN), backoff=0.05, random=lambda: 1.0) as client:
        started = time.monotonic()
        client.start(CampaignType.PREVIEW, "5")
        assert time.monotonic() - started >= 0.05


# -- create: never retried once it may have been sent -----------------------------------------


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
    ids=lambda f: f"HTTP {f.status_code}" if isinstance(f, httpx.Response) else type(f).__name__,
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
    ids=lambda f: f"HTTP {f.status_code}" if isinstance(f, httpx.Response) else type(f).__name__,
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


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (vendor_error(400, "SOME PARAMETERS ARE REQUIRED"), BadRequest),
        (vendor_error(400, "campaign_name is required"), BadRequest),
        (vendor_error(403, "TOKEN LIMIT EXCEEDED"), QuotaExhausted),
        (vendor_error(401, "PLEASE ENTER THE WOLKVOX-TOKEN"), AuthError),
    ],
)
def test_create_refusals_keep_their_class(
    api: respx.MockRouter,
    client: WolkvoxClient,
    failure: httpx.Response,
    expected: type[ApiError],
) -> None:
    route = api.post(CAMPAIGN_URL).mock(return_value=failure)
    with pytest.raises(expected):
        client.create_campaign(CampaignType.PREVIEW, {}, campaign="x")
    assert route.call_count == 1


# -- concurrency limit, call counting ---------------------------------------------------------


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
        time.sleep(self.hold)
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


@pytest.mark.parametrize("limit", [0, 3, -1])
def test_max_in_flight_beyond_the_vendor_limit_is_a_config_error(limit: int) -> None:
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


# -- the token is never leaked ----------------------------------------------------------------

LEAK_CASES: list[httpx.Response | Exception] = [
    vendor_error(401, "PLEASE ENTER THE WOLKVOX-TOKEN"),
    vendor_error(403, f"PLEASE VALIDATE TOKEN {TOKEN}"),  # a server that echoes the token
    vendor_error(403, "TOKEN LIMIT EXCEEDED"),
    vendor_error(403, "EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN (2)"),
    vendor_error(404, f"campaign not found for token {TOKEN}"),
    vendor_error(400, "SOME PARAMETERS ARE REQUIRED"),
    httpx.Response(500, text=f"<html>debug: wolkvox-token={TOKEN}</html>"),
    httpx.Response(200, text=f"<html>token {TOKEN}</html>"),
    httpx.ReadTimeout(f"timed out {TOKEN}"),
    httpx.ConnectError(f"refused {TOKEN}"),
    httpx.RemoteProtocolError("dropped"),
    httpx.DecodingError(f"corrupt {TOKEN}"),
]


@pytest.mark.parametrize("failure", LEAK_CASES)
@pytest.mark.parametrize("call_name", ["create", "start"])
def test_the_token_appears_in_no_error_and_no_log_record(
    api: respx.MockRouter,
    make: Callable[..., WolkvoxClient],
    caplog: pytest.LogCaptureFixture,
    failure: httpx.Response | Exception,
    call_name: str,
) -> None:
    api.post(CAMPAIGN_URL).mock(side_effect=[failure, failure])
    api.put(CAMPAIGN_URL).mock(side_effect=[failure, failure])
    client = make(retries=1)
    caplog.set_level(logging.DEBUG, logger="reconciler")
    with pytest.raises(ApiError) as info:
        if call_name == "create":
            client.create_campaign(CampaignType.PREVIEW, {}, campaign="x")
        else:
            client.start(CampaignType.PREVIEW, "1", campaign="x")
    error = info.value
    for text in (str(error), repr(error), error.message, repr(error.args)):
        assert TOKEN not in text
    shown: BaseException | None = error  # the chain a traceback would print
    while shown is not None:
        assert TOKEN not in str(shown)
        shown = shown.__cause__ or (None if shown.__suppress_context__ else shown.__context__)
    assert caplog.records
    for record in caplog.records:
        assert TOKEN not in record.getMessage()
        assert TOKEN not in repr(record.args)
    assert TOKEN not in repr(client)


def test_a_create_answer_without_id_is_quoted_without_the_token(
    api: respx.MockRouter, client: WolkvoxClient
) -> None:
    api.post(CAMPAIGN_URL).mock(
        return_value=httpx.Response(201, json=body(code=201, msg=f"created for {TOKEN}"))
    )
    with pytest.raises(OutcomeUnknown, match="created for") as info:
        client.create_campaign(CampaignType.PREVIEW, {}, campaign="x")
    assert TOKEN not in str(info.value)


def test_config_errors_do_not_carry_the_token() -> None:
    with pytest.raises(ConfigError) as info:
        WolkvoxClient(BASE, Secret(TOKEN), max_in_flight=5)
    assert TOKEN not in str(info.value)


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
    assert route.calls.last.request.headers["wolkvox-token"] == "Bearer abc 123"


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
    route = api.put(CAMPAIGN_URL).mock(side_effect=[vendor_error(503, "busy"), answer(202)])
    client = make(interrupted=interrupted, backoff=30.0, max_backoff=30.0)
    threading.Timer(0.2, interrupted.set).start()
    began = time.monotonic()
    with pytest.raises(TransientError, match="not retried: interrupted"):
        client.start(CampaignType.PREVIEW, "101")
    assert time.monotonic() - began < 5
    assert route.call_count == 1


# -- logging ----------------------------------------------------------------------------------


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


def test_a_failed_connection_is_logged_by_its_kind(
    api: respx.MockRouter, make: Callable[..., WolkvoxClient], caplog: pytest.LogCaptureFixture
) -> None:
    api.get(LIST_URL).mock(side_effect=httpx.ReadTimeout("slow"))
    caplog.set_level(logging.INFO, logger="reconciler.client")
    with pytest.raises(TransientError, match="no answer within 60 s"):
        make(retries=0).list_campaigns()
    assert "GET campaigns campaign_id=- -> ReadTimeout in " in caplog.text


# -- configuration: endpoint, token -----------------------------------------------------------


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
    client = WolkvoxClient.for_operation(
        Operation(server="9"), endpoint=endpoint, environ={"WOLKVOX_TOKEN": TOKEN}
    )
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
        WolkvoxClient.for_operation(
            Operation(), endpoint=endpoint, environ={"WOLKVOX_TOKEN": TOKEN}
        )
    assert repr(endpoint) in str(info.value)


def test_without_endpoint_the_operation_server_is_used(api: respx.MockRouter) -> None:
    route = api.get("https://wv0036.wolkvox.com/api/v2/information.php").mock(
        return_value=answer(200, data=[])
    )
    with WolkvoxClient.for_operation(
        Operation(server="0036"), environ={"WOLKVOX_TOKEN": TOKEN}
    ) as client:
        assert client.list_campaigns() == []
    assert route.call_count == 1


@pytest.mark.parametrize("server", ["00/36", "a b", "x?y", "wv#1"])
def test_a_bad_operation_server_is_a_config_error_naming_it(server: str) -> None:
    with pytest.raises(ConfigError, match=r"invalid operation\.server") as info:
        WolkvoxClient.for_operation(Operation(server=server), environ={"WOLKVOX_TOKEN": TOKEN})
    assert repr(server) in str(info.value)


def test_no_endpoint_and_no_server_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="no API endpoint"):
        WolkvoxClient.for_operation(Operation(), environ={"WOLKVOX_TOKEN": TOKEN})


def test_the_token_comes_from_the_variable_the_operation_names(api: respx.MockRouter) -> None:
    route = api.put(CAMPAIGN_URL).mock(return_value=answer(202))
    environ = {"WOLKVOX_TOKEN": "the-wrong-one", "OPS_TOKEN": TOKEN}
    with WolkvoxClient.for_operation(
        Operation(token_env="OPS_TOKEN"), endpoint="http://wolkvox.test", environ=environ
    ) as client:
        client.start(CampaignType.PREVIEW, "1")
    assert only_request(route).headers["wolkvox-token"] == TOKEN


@pytest.mark.parametrize("environ", [{}, {"OPS_TOKEN": ""}, {"OPS_TOKEN": "   "}])
def test_a_missing_token_is_a_config_error_before_any_call(
    api: respx.MockRouter, environ: dict[str, str]
) -> None:
    api.route().mock(return_value=answer(200, data=[]))
    with pytest.raises(ConfigError, match="OPS_TOKEN"):
        WolkvoxClient.for_operation(
            Operation(token_env="OPS_TOKEN"), endpoint="http://wolkvox.test", environ=environ
        )
    assert api.calls.call_count == 0


def test_for_operation_passes_options_through(api: respx.MockRouter) -> None:
    with WolkvoxClient.for_operation(
        Operation(),
        endpoint="http://wolkvox.test",
        environ={"WOLKVOX_TOKEN": TOKEN},
        max_in_flight=2,
        retries=1,
        timeout=3.0,
    ) as client:
        assert (client.max_in_flight, client.retries, client.timeout) == (2, 1, 3.0)


@pytest.mark.parametrize(
    "kwargs", [{"timeout": 0}, {"retries": -1}, {"backoff": -1.0}, {"max_backoff": -1.0}]
)
def test_nonsense_options_are_config_errors(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        WolkvoxClient(BASE, Secret(TOKEN), **kwargs)


def test_close_closes_the_connection_pool(api: respx.MockRouter) -> None:
    api.put(CAMPAIGN_URL).mock(return_value=answer(202))
    with WolkvoxClient(BASE, Secret(TOKEN)) as client:
        client.start(CampaignType.PREVIEW, "1")
    with pytest.raises(RuntimeError):
        client.start(CampaignType.PREVIEW, "1")
