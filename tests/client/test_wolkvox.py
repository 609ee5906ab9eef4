"""`client.wolkvox`: every call's method, URL, headers and body, and what it returns, the
five of the vendor's pages and those of its Postman collection (MORE-ENDPOINTS.md)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx

from reconciler.client import Skill, TokenInfo, WolkvoxClient
from reconciler.client.live import LiveCampaign
from reconciler.errors import ApiError, BadRequest, NotFound, ProtocolError, TransientError
from reconciler.manifest.desired import Campaign, create_params
from reconciler.vocabulary import RESULTS, CampaignType, DesiredState, LiveStatus
from tests.client.helpers import (
    CAMPAIGN_URL,
    INFO_URL,
    LIST_URL,
    TOKEN,
    Sleeps,
    answer,
    body,
    only_request,
    row,
    vendor_error,
)

# -- the five documented calls ---------------------------------------------------------------


def test_list_campaigns_sends_the_documented_request_and_parses_rows(
    api: respx.MockRouter, client: WolkvoxClient
) -> None:
    route = api.get(LIST_URL).mock(
        return_value=httpx.Response(
            200, json=body(code="", msg="1 records were found", data=[row(speed="40")])
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
            speed=40,
            turbo_dial=False,
        )
    ]


def test_the_list_can_be_filtered_to_one_campaign(
    api: respx.MockRouter, client: WolkvoxClient
) -> None:
    route = api.get(LIST_URL).mock(
        return_value=answer(200, data=[row(campaign_id="7", campaign_name="x", skill_id="3")])
    )
    (live,) = client.list_campaigns(campaign_id=" 7 ")
    assert str(only_request(route).url) == LIST_URL + "?api=campaigns&campaign=7"
    assert (live.campaign_id, live.skill_id) == ("7", "3")


def test_a_filtered_list_keeps_only_that_campaign_should_the_server_ignore_the_filter(
    api: respx.MockRouter, client: WolkvoxClient
) -> None:
    api.get(LIST_URL).mock(
        return_value=answer(200, data=[row(campaign_id="7"), row(campaign_id="8")])
    )
    assert [c.campaign_id for c in client.list_campaigns(campaign_id="8")] == ["8"]


def test_a_filtered_list_of_an_unknown_campaign_names_it(
    api: respx.MockRouter, make: Callable[..., WolkvoxClient]
) -> None:
    api.get(LIST_URL).mock(return_value=vendor_error(400, "THE CAMPAIGN DOES NOT EXIST"))
    with pytest.raises(NotFound) as info:
        make().list_campaigns(campaign_id="77")
    assert info.value.call == "campaigns" and "77" in str(info.value)


def test_a_list_answer_of_the_wrong_shape_names_the_call(
    api: respx.MockRouter, client: WolkvoxClient
) -> None:
    api.get(LIST_URL).mock(return_value=answer(200, data=[row(status="Running")]))
    with pytest.raises(ProtocolError, match="status") as info:
        client.list_campaigns()
    assert info.value.call == "campaigns" and "summer-sale" in str(info.value)


@pytest.mark.parametrize("payload", [[row()], "ok"])
def test_a_list_answer_that_is_no_envelope_is_a_protocol_error(
    api: respx.MockRouter, client: WolkvoxClient, payload: Any
) -> None:
    api.get(LIST_URL).mock(return_value=httpx.Response(200, json=payload))
    with pytest.raises(ProtocolError):
        client.list_campaigns()


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


MISSING_ID_CALLS: dict[str, Callable[[WolkvoxClient], Any]] = {
    "start": lambda c: c.start(CampaignType.PREVIEW, "", campaign="winter"),
    "edit_campaign": lambda c: c.edit_campaign(" ", {"campaign_name": "x"}, campaign="winter"),
    "speed": lambda c: c.set_speed("", 5, campaign="winter"),
    "delete_campaign": lambda c: c.delete_campaign(CampaignType.PREVIEW, "", campaign="winter"),
    "campaigns": lambda c: c.list_campaigns(campaign_id=" "),
}


@pytest.mark.parametrize("api_name", MISSING_ID_CALLS)
def test_a_missing_campaign_id_is_refused_before_any_request(
    api: respx.MockRouter, client: WolkvoxClient, api_name: str
) -> None:
    route = api.route().mock(return_value=answer(202))
    with pytest.raises(BadRequest, match="no campaign_id") as info:
        MISSING_ID_CALLS[api_name](client)
    assert info.value.call == api_name
    assert route.call_count == 0


# -- edit_campaign ---------------------------------------------------------------------------

CONFIG = {
    "campaign_id": "101",
    "campaign_name": "summer-sale",
    "campaign_description": "Summer, again",
    "type_camp": "Predictive",
    "turbo_dial": "yes",
    "optional_labels": {"opt0": "Name"},
}


def test_edit_puts_only_the_given_fields_and_returns_the_configuration(
    api: respx.MockRouter, client: WolkvoxClient
) -> None:
    route = api.put(CAMPAIGN_URL).mock(
        return_value=answer(200, msg="Campaign has been updated successfully", data=[CONFIG])
    )
    fields = {"campaign_description": "Summer, again", "optional_labels": {"opt0": "Name"}}
    config = client.edit_campaign("101", fields, campaign="summer-sale")
    request = only_request(route)
    assert request.method == "PUT"
    assert str(request.url) == f"{CAMPAIGN_URL}?api=edit_campaign&campaign_id=101"
    assert request.headers["wolkvox-token"] == TOKEN
    assert json.loads(request.content) == fields
    assert config == CONFIG


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({}, "no fields to edit"),
        ({"speed": "5"}, "no field 'speed'"),
        ({"campaign_name": "x", "name": "y"}, "no field 'name'"),
        ({"campaign_name": 5}, "campaign_name: expected text"),
        ({"optional_labels": ["a"]}, "optional_labels: expected an object"),
        ({"optional_labels": {"opt13": "x"}}, "'opt13' is not one of opt0 to opt12"),
        ({"optional_labels": {"opt1": 1}}, "label opt1 must be text"),
    ],
)
def test_an_edit_the_vendor_does_not_document_is_refused_before_any_request(
    api: respx.MockRouter, client: WolkvoxClient, fields: dict[str, Any], words: str
) -> None:
    route = api.put(CAMPAIGN_URL).mock(return_value=answer(200, data=[CONFIG]))
    with pytest.raises(BadRequest, match=words) as info:
        client.edit_campaign("101", fields, campaign="summer-sale")
    assert info.value.call == "edit_campaign" and "summer-sale (id 101)" in str(info.value)
    assert route.call_count == 0


@pytest.mark.parametrize(
    ("response", "expected", "words"),
    [
        (answer(200, data=[]), ProtocolError, "without the campaign's configuration"),
        (answer(200, data=[{"campaign_id": "9"}]), ProtocolError, "campaign '9'"),
        (httpx.Response(200, text="<html>ok</html>"), ProtocolError, "not a JSON object"),
        (vendor_error(400, "INVALID SKILL"), BadRequest, "INVALID SKILL"),
        (vendor_error(400, "end_time must be after start_time"), BadRequest, "end_time"),
        (vendor_error(404, "NOT FOUND"), NotFound, "NOT FOUND"),
    ],
)
def test_a_bad_edit_answer_names_the_call_and_the_campaign(
    api: respx.MockRouter,
    make: Callable[..., WolkvoxClient],
    response: httpx.Response,
    expected: type[ApiError],
    words: str,
) -> None:
    route = api.put(CAMPAIGN_URL).mock(return_value=response)
    with pytest.raises(expected, match=words) as info:
        make().edit_campaign("101", {"campaign_name": "x"}, campaign="summer-sale")
    assert type(info.value) is expected
    assert info.value.call == "edit_campaign" and "summer-sale (id 101)" in str(info.value)
    assert route.call_count == 1  # none of these is retried


# -- speed -------------------------------------------------------------------------------------


@pytest.mark.parametrize("speed", [0, 35, 100])
def test_set_speed_puts_the_speed_as_text(
    api: respx.MockRouter, client: WolkvoxClient, speed: int
) -> None:
    route = api.put(CAMPAIGN_URL).mock(
        return_value=answer(202, msg="The speed of ID 101 has been updated successfully")
    )
    client.set_speed("101", speed, campaign="summer-sale")
    request = only_request(route)
    assert request.method == "PUT"
    assert str(request.url) == f"{CAMPAIGN_URL}?api=speed&campaign_id=101"
    assert json.loads(request.content) == {"speed": str(speed)}


@pytest.mark.parametrize("speed", [-1, 101, 2.5, "50", True, None])
def test_a_speed_out_of_range_is_refused_before_any_request(
    api: respx.MockRouter, client: WolkvoxClient, speed: Any
) -> None:
    route = api.put(CAMPAIGN_URL).mock(return_value=answer(202))
    with pytest.raises(BadRequest, match="speed must be a whole number 0 to 100") as info:
        client.set_speed("101", speed, campaign="summer-sale")
    assert info.value.call == "speed" and "summer-sale" in str(info.value)
    assert route.call_count == 0


def test_a_refused_speed_names_the_call_and_the_campaign(
    api: respx.MockRouter, client: WolkvoxClient
) -> None:
    api.put(CAMPAIGN_URL).mock(return_value=answer(200, code="400", msg="invalid speed"))
    with pytest.raises(ProtocolError, match="error code 400: invalid speed") as info:
        client.set_speed("101", 5, campaign="summer-sale")
    assert info.value.call == "speed" and "summer-sale (id 101)" in str(info.value)


# -- delete_campaign -------------------------------------------------------------------------

DELETED = answer(200, code="200", msg="1 campaigns deleted successfully. 0 operations failed.")
NONE_DELETED = answer(200, code="200", msg="0 campaigns deleted successfully. 1 operations failed.")


def test_delete_sends_the_documented_request(api: respx.MockRouter, client: WolkvoxClient) -> None:
    route = api.delete(CAMPAIGN_URL).mock(return_value=DELETED)
    client.delete_campaign(CampaignType.PREDICTIVE, "101", campaign="summer-sale")
    request = only_request(route)
    assert request.method == "DELETE"
    assert str(request.url) == (
        f"{CAMPAIGN_URL}?api=delete_campaign&type_campaign=predictive&campaign_id=101"
    )
    assert request.content == b""


@pytest.mark.parametrize("gone", [vendor_error(404, "NOT FOUND"), NONE_DELETED])
def test_a_delete_of_a_campaign_that_is_not_there_is_not_found(
    api: respx.MockRouter, client: WolkvoxClient, gone: httpx.Response
) -> None:
    route = api.delete(CAMPAIGN_URL).mock(return_value=gone)
    with pytest.raises(NotFound) as info:
        client.delete_campaign(CampaignType.PREVIEW, "101", campaign="summer-sale")
    assert info.value.call == "delete_campaign" and "summer-sale (id 101)" in str(info.value)
    assert route.call_count == 1


@pytest.mark.parametrize("lost", [vendor_error(502, "Bad gateway"), httpx.ReadTimeout("slow")])
@pytest.mark.parametrize("gone", [vendor_error(404, "NOT FOUND"), NONE_DELETED])
def test_not_found_after_an_attempt_whose_answer_was_lost_is_done_once_the_list_agrees(
    api: respx.MockRouter,
    client: WolkvoxClient,
    lost: httpx.Response | Exception,
    gone: httpx.Response,
) -> None:
    route = api.delete(CAMPAIGN_URL).mock(side_effect=[lost, gone])
    listed = api.get(LIST_URL).mock(return_value=answer(200, data=[]))
    client.delete_campaign(CampaignType.PREVIEW, "101")  # no error: the first one did it
    assert route.call_count == 2 and listed.call_count == 1


@pytest.mark.parametrize(
    "retry_says",
    [vendor_error(400, "CAMPAIGN 101 IS STARTED: STOP IT FIRST"), NONE_DELETED],
)
def test_a_retried_delete_is_not_done_while_the_list_still_shows_the_campaign(
    api: respx.MockRouter, client: WolkvoxClient, retry_says: httpx.Response
) -> None:
    api.delete(CAMPAIGN_URL).mock(side_effect=[vendor_error(503, "busy"), retry_says])
    api.get(LIST_URL).mock(return_value=answer(200, data=[row(campaign_id="101")]))
    with pytest.raises(ApiError, match="not deleted") as info:
        client.delete_campaign(CampaignType.PREVIEW, "101", campaign="summer-sale")
    assert "list still shows the campaign" in str(info.value)
    assert info.value.call == "delete_campaign"


def test_a_delete_answered_in_undocumented_words_is_a_failure_in_those_words(
    api: respx.MockRouter, client: WolkvoxClient
) -> None:
    api.delete(CAMPAIGN_URL).mock(return_value=answer(200, code="200", msg="queued for review"))
    with pytest.raises(ApiError, match="queued for review"):
        client.delete_campaign(CampaignType.PREVIEW, "101")


@pytest.mark.parametrize(
    "refused",
    [
        httpx.ConnectError("refused"),
        vendor_error(403, "EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN (2)"),
        vendor_error(403, "Server backup in progress"),
    ],
)
def test_not_found_after_attempts_that_did_nothing_is_not_found(
    api: respx.MockRouter, client: WolkvoxClient, refused: httpx.Response | Exception
) -> None:
    route = api.delete(CAMPAIGN_URL).mock(side_effect=[refused, vendor_error(404, "NOT FOUND")])
    with pytest.raises(NotFound):
        client.delete_campaign(CampaignType.PREVIEW, "101")
    assert route.call_count == 2


def test_a_delete_that_keeps_failing_gives_up(
    api: respx.MockRouter, client: WolkvoxClient, sleeps: Sleeps
) -> None:
    route = api.delete(CAMPAIGN_URL).mock(return_value=vendor_error(503, "busy"))
    with pytest.raises(TransientError, match="gave up after 5 attempts"):
        client.delete_campaign(CampaignType.PREVIEW, "101")
    assert route.call_count == 5 and len(sleeps) == 4


# -- token_info, skills ----------------------------------------------------------------------


def test_token_info_gets_the_budget(api: respx.MockRouter, client: WolkvoxClient) -> None:
    data = [
        {
            "description": "ci",
            "token_limit": "5000",
            "token_use_today": "12",
            "all_token_today": "40",
            "available_consumption_options": "4988",
        }
    ]
    route = api.get(INFO_URL).mock(return_value=answer(200, data=data))
    assert client.token_info() == TokenInfo(limit=5000, used_today=12, available=4988)
    request = only_request(route)
    assert request.method == "GET"
    assert str(request.url) == f"{INFO_URL}?api=token_info"
    assert client.calls == 1  # the call itself counts


@pytest.mark.parametrize(
    "payload",
    [body(data=[]), body(data=[{"token_limit": "x", "token_use_today": 1}]), ["5000"]],
)
def test_a_bad_token_info_answer_is_a_protocol_error_naming_the_call(
    api: respx.MockRouter, client: WolkvoxClient, payload: Any
) -> None:
    api.get(INFO_URL).mock(return_value=httpx.Response(200, json=payload))
    with pytest.raises(ProtocolError) as info:
        client.token_info()
    assert info.value.call == "token_info"


def test_skills_lists_the_skills(api: respx.MockRouter, client: WolkvoxClient) -> None:
    data = [
        {"skill_id": "11", "skill_name": "Sales", "skill_description": "", "last_use": ""},
        {"skill_id": "VAGENT", "skill_name": "Virtual agent"},
    ]
    route = api.get(INFO_URL).mock(return_value=answer(200, data=data))
    assert client.skills() == [Skill("11", "Sales"), Skill("VAGENT", "Virtual agent")]
    assert str(only_request(route).url) == f"{INFO_URL}?api=skills"


@pytest.mark.parametrize(
    "payload", [body(data=[{"skill_name": "no id"}]), body(msg="skills"), "skills"]
)
def test_a_bad_skills_answer_is_a_protocol_error_naming_the_call(
    api: respx.MockRouter, client: WolkvoxClient, payload: Any
) -> None:
    api.get(INFO_URL).mock(return_value=httpx.Response(200, json=payload))
    with pytest.raises(ProtocolError) as info:
        client.skills()
    assert info.value.call == "skills"


# -- the bulk delete (the collection's newer form) ----------------------------------------


def test_a_bulk_delete_names_its_ids_in_the_body_and_a_clean_answer_is_all_done(
    api: respx.MockRouter, client: WolkvoxClient
) -> None:
    route = api.delete(CAMPAIGN_URL).mock(
        return_value=answer(
            200, code="200", msg="2 campaigns deleted successfully. 0 operations failed."
        )
    )
    gone = client.delete_campaigns(CampaignType.PREVIEW, ["101", "102"], campaigns=["a", "b"])
    assert gone == {"101": None, "102": None}
    request = only_request(route)
    assert str(request.url) == f"{CAMPAIGN_URL}?api=delete_campaign&type_campaign=preview"
    assert json.loads(request.content) == {"campaign_ids": ["101", "102"]}


@pytest.mark.parametrize(
    "said",
    [
        answer(200, code="200", msg="1 campaigns deleted successfully. 1 operations failed."),
        vendor_error(502, "Bad gateway"),
    ],
)
def test_a_bulk_delete_not_answered_cleanly_asks_the_list_which_are_gone(
    api: respx.MockRouter, client: WolkvoxClient, said: httpx.Response
) -> None:
    api.delete(CAMPAIGN_URL).mock(return_value=said)
    listed = api.get(LIST_URL).mock(return_value=answer(200, data=[row(campaign_id="102")]))
    gone = client.delete_campaigns(CampaignType.PREVIEW, ["101", "102"])
    assert gone["101"] is None
    assert gone["102"] is not None and gone["102"].startswith("not deleted:")
    assert listed.call_count == 1


def test_a_bulk_delete_refused_outright_fails_them_all_without_a_list(
    api: respx.MockRouter, client: WolkvoxClient
) -> None:
    api.delete(CAMPAIGN_URL).mock(return_value=vendor_error(400, "INVALID campaign_ids"))
    listed = api.get(LIST_URL).mock(return_value=answer(200, data=[]))
    with pytest.raises(BadRequest, match="INVALID campaign_ids"):
        client.delete_campaigns(CampaignType.PREVIEW, ["101"])
    assert listed.call_count == 0
