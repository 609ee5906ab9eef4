"""The token never leaves the client, whole or in part: not in an error, a log record or
a repr, however the server echoes it (redaction before text is cut or escaped)."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator
from urllib.parse import quote, quote_plus

import httpx
import pytest
import respx

from reconciler.client import WolkvoxClient
from reconciler.errors import ApiError, OutcomeUnknown, ProtocolError
from reconciler.secret import Secret
from reconciler.vocabulary import CampaignType
from tests.client.helpers import BASE, CAMPAIGN_URL, LIST_URL, TOKEN, body, vendor_error

#: visible ASCII a header may carry, with the characters JSON and repr escape
QUOTED_TOKEN = "q\"uo\\te'd-5f1c9e2a7b/sec ret"


def pieces(token: str, size: int = 6) -> Iterator[str]:
    """Every piece of `token` long enough to mean something."""
    for start in range(len(token) - size + 1):
        yield token[start : start + size]


def assert_hidden(token: str, *texts: str) -> None:
    for text in texts:
        for piece in pieces(token):
            assert piece not in text, f"{piece!r} of the token in {text!r}"
        for form in (json.dumps(token)[1:-1], repr(token)[1:-1], quote(token, safe="")):
            assert form not in text


def forms_of(error: ApiError) -> list[str]:
    return [str(error), repr(error), error.message, repr(error.args), json.dumps(str(error))]


LEAK_CASES: list[httpx.Response | Exception] = [
    vendor_error(401, "PLEASE ENTER THE WOLKVOX-TOKEN"),
    vendor_error(403, f"PLEASE VALIDATE TOKEN {TOKEN}"),  # a server that echoes the token
    vendor_error(403, "TOKEN LIMIT EXCEEDED"),
    vendor_error(403, "EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN (2)"),
    vendor_error(404, f"campaign not found for token {TOKEN}"),
    vendor_error(400, "SOME PARAMETERS ARE REQUIRED"),
    httpx.Response(500, text=f"<html>debug: wolkvox-token={TOKEN}</html>"),
    httpx.Response(200, text=f"<html>token {TOKEN}</html>"),
    httpx.Response(200, json=body(code="500", msg=f"failed for {TOKEN}")),
    httpx.Response(302, headers={"location": f"https://x.test/?t={TOKEN}"}),
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
    assert_hidden(TOKEN, *forms_of(error))
    shown: BaseException | None = error  # the chain a traceback would print
    while shown is not None:
        assert TOKEN not in str(shown)
        shown = shown.__cause__ or (None if shown.__suppress_context__ else shown.__context__)
    assert caplog.records
    for record in caplog.records:
        assert_hidden(TOKEN, record.getMessage(), repr(record.args))
    assert TOKEN not in repr(client)


@pytest.mark.parametrize("at", [150, 190, 195, 199, 200, 205, 400])
@pytest.mark.parametrize("html", [False, True])
def test_a_token_across_or_past_the_200_character_cut_is_not_shown_in_part(
    api: respx.MockRouter, make: Callable[..., WolkvoxClient], at: int, html: bool
) -> None:
    text = "x" * at + TOKEN + " tail"
    if html:
        text = f"<html><body><p>{text}</p></body></html>"
    api.put(CAMPAIGN_URL).mock(return_value=httpx.Response(400, text=text))
    with pytest.raises(ApiError) as info:
        make().start(CampaignType.PREVIEW, "1")
    assert_hidden(TOKEN, *forms_of(info.value))


def test_a_token_with_inner_spaces_is_redacted_before_spaces_are_collapsed(
    api: respx.MockRouter,
) -> None:
    token = "abc  def\tghi-5f1c9e2a7b"  # a header may carry inner spaces and tabs
    api.put(CAMPAIGN_URL).mock(return_value=httpx.Response(400, text=f"<b>echo {token}</b>"))
    with WolkvoxClient(BASE, Secret(token)) as client, pytest.raises(ApiError) as info:
        client.start(CampaignType.PREVIEW, "1")
    assert_hidden(token, *forms_of(info.value))
    assert_hidden(" ".join(token.split()), *forms_of(info.value))


@pytest.fixture
def quoted() -> Iterator[WolkvoxClient]:
    with WolkvoxClient(BASE, Secret(QUOTED_TOKEN), retries=0) as client:
        yield client


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(400, json=body(code=400, msg=f"bad token {QUOTED_TOKEN}")),
        httpx.Response(400, json=body(code=400, msg={"token": QUOTED_TOKEN})),  # a repr
        httpx.Response(400, json=body(code=400, msg=[QUOTED_TOKEN, "x"])),
        httpx.Response(400, text=f"<p>{QUOTED_TOKEN}</p>"),
        httpx.Response(200, text=json.dumps({"echo": QUOTED_TOKEN})[:-1]),  # not quite JSON
        httpx.Response(200, json=body(code="401", msg=json.dumps(QUOTED_TOKEN))),
    ],
)
def test_a_token_with_quotes_and_backslashes_is_hidden_in_every_form(
    api: respx.MockRouter, quoted: WolkvoxClient, response: httpx.Response
) -> None:
    api.put(CAMPAIGN_URL).mock(return_value=response)
    with pytest.raises(ApiError) as info:
        quoted.start(CampaignType.PREVIEW, "1")
    assert_hidden(QUOTED_TOKEN, *forms_of(info.value))


def test_a_create_answer_without_id_is_quoted_without_the_token(
    api: respx.MockRouter, quoted: WolkvoxClient
) -> None:
    # the answer is quoted as JSON, where the token's quotes and backslashes are escaped
    api.post(CAMPAIGN_URL).mock(
        return_value=httpx.Response(201, json=body(code=201, msg=f"created for {QUOTED_TOKEN}"))
    )
    with pytest.raises(OutcomeUnknown, match="created for") as info:
        quoted.create_campaign(CampaignType.PREVIEW, {}, campaign="x")
    assert_hidden(QUOTED_TOKEN, *forms_of(info.value))


@pytest.mark.parametrize(
    "location",
    [
        f"https://evil.test/?t={QUOTED_TOKEN}",
        f"https://evil.test/?t={quote(QUOTED_TOKEN, safe='')}",
        f"https://evil.test/?t={quote(QUOTED_TOKEN, safe='').lower()}",
        f"https://evil.test/{quote(QUOTED_TOKEN)}",
        f"https://evil.test/?t={quote_plus(QUOTED_TOKEN)}",
        f"https://evil.test/?t={quote(quote(QUOTED_TOKEN, safe=''), safe='')}",  # twice
        "https://evil.test/?" + "a" * 170 + quote(QUOTED_TOKEN, safe=""),  # across the cut
    ],
)
def test_a_url_encoded_token_in_a_location_header_is_hidden(
    api: respx.MockRouter, quoted: WolkvoxClient, location: str
) -> None:
    api.get(LIST_URL).mock(return_value=httpx.Response(302, headers={"location": location}))
    with pytest.raises(ProtocolError, match=re.escape("redirected to https://evil.test/")) as info:
        quoted.list_campaigns()
    assert_hidden(QUOTED_TOKEN, *forms_of(info.value))
    assert "***" in info.value.message


def test_a_long_location_is_cut(api: respx.MockRouter, quoted: WolkvoxClient) -> None:
    api.get(LIST_URL).mock(
        return_value=httpx.Response(302, headers={"location": "https://x.test/" + "a" * 5000})
    )
    with pytest.raises(ProtocolError) as info:
        quoted.list_campaigns()
    assert len(info.value.message) < 400


def test_a_token_in_a_list_row_is_not_quoted_in_the_error(
    api: respx.MockRouter, quoted: WolkvoxClient
) -> None:
    api.get(LIST_URL).mock(
        return_value=httpx.Response(
            200,
            json=body(
                data=[{"campaign_id": "1", "campaign_name": "a", "type_campaign": QUOTED_TOKEN}]
            ),
        )
    )
    with pytest.raises(ProtocolError, match="type_campaign") as info:
        quoted.list_campaigns()
    assert_hidden(QUOTED_TOKEN, *forms_of(info.value))
