"""edit_campaign, speed and delete_campaign in-process: answers, the documented 400s, and
that a refused request changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.simulator.api import CAMPAIGN_PATH, Api
from reconciler.simulator.store import CampaignData, SkillData, Store
from reconciler.vocabulary import CampaignType, LiveStatus
from tests.simulator.helpers import call, listed

EDIT = "api=edit_campaign&campaign_id="
ALL_LABELS = {f"opt{n}": "" for n in range(13)}


@pytest.fixture
def store() -> Store:
    store = Store()
    store.seed(
        [
            CampaignData(
                campaign_id=1001,
                campaign_name="Renewals",
                type_campaign=CampaignType.PREDICTIVE,
                status=LiveStatus.STARTED,
                skill_id="1001",
                record_results=(("busy", 3),),
                settings=(("start_time", "08:00:00"), ("end_time", "18:00:00"), ("opt1", "n")),
            ),
            CampaignData(
                campaign_id=1002, campaign_name="Winback", type_campaign=CampaignType.PREVIEW
            ),
            CampaignData(campaign_id=1003, campaign_name="Old", type_campaign=CampaignType.PREVIEW),
        ],
        [SkillData("1001", "Collections"), SkillData("2010", "Sales")],
    )
    return store


@pytest.fixture
def api(store: Store) -> Api:
    return Api(store)


def edit(api: Api, campaign_id: str, body: Any) -> Any:
    return call(api, "PUT", CAMPAIGN_PATH, EDIT + campaign_id, body)


def test_edit_answers_200_with_the_whole_configuration_after_the_edit(api: Api) -> None:
    reply = edit(
        api,
        "1001",
        {
            "campaign_name": "Renewals 2",
            "campaign_description": "new text",
            "enable_edition": "yes",
            "start_time": "09:00:00",
            "skill_id": "2010",
            "amd_conf": "COL",
            "turbo_dial": "yes",
            "routing_recall": "yes",
            "camp_dial_order": "zigzag",
            "optional_labels": {"opt0": "zero", "opt12": "twelve"},
        },
    )
    assert reply.status == 200 and reply.body["code"] == 200 and reply.body["error"] is None
    assert reply.body["msg"] == "Campaign has been updated successfully"
    assert reply.committed
    assert reply.body["data"] == [
        {
            "campaign_id": "1001",
            "campaign_name": "Renewals 2",
            "campaign_description": "new text",
            "type_camp": "Predictive",
            "enable_edition": "yes",
            "start_time": "09:00:00",
            "end_time": "18:00:00",  # not sent: kept
            "skill_id": "2010",
            "amd_conf": "COL",
            "turbo_dial": "yes",
            "routing_recall": "yes",
            "camp_dial_order": "zigzag",
            # labels merge key by key: opt1 (from create) is kept
            "optional_labels": {**ALL_LABELS, "opt0": "zero", "opt1": "n", "opt12": "twelve"},
        }
    ]
    row = listed(api)[0]
    assert (row["campaign_name"], row["campaign_description"]) == ("Renewals 2", "new text")
    assert (row["turbo_dial"], row["skill_id"], row["status"], row["records"]) == (
        "on",
        "2010",
        "Started",
        "3",
    )


def test_edit_changes_the_type_and_later_calls_need_the_new_one(api: Api) -> None:
    reply = edit(api, "1002", {"type_camp": "Predictive"})
    assert reply.status == 200 and reply.body["data"][0]["type_camp"] == "Predictive"
    assert listed(api)[1]["type_campaign"] == "predictive"
    start = "api=start&type_campaign=%s&campaign_id=1002"
    assert call(api, "PUT", CAMPAIGN_PATH, start % "preview").status == 404
    assert call(api, "PUT", CAMPAIGN_PATH, start % "predictive").status == 202


def test_a_new_campaigns_defaults_show_in_the_edit_answer(api: Api) -> None:
    created = call(
        api,
        "POST",
        CAMPAIGN_PATH,
        "api=create_campaign&type_campaign=predictive",
        {"campaign_name": "N", "start_time": "080000", "end_time": "170000", "amd": "MEX"},
    )
    new_id = created.body["data"][0]["id_campaign"]
    config = edit(api, new_id, {"campaign_description": "d"}).body["data"][0]
    assert {k: config[k] for k in config if k != "optional_labels"} == {
        "campaign_id": new_id,
        "campaign_name": "N",
        "campaign_description": "d",
        "type_camp": "Predictive",
        "enable_edition": "no",
        "start_time": "08:00:00",
        "end_time": "17:00:00",
        "skill_id": "",
        "amd_conf": "MEX",  # create's `amd` is edit's `amd_conf`
        "turbo_dial": "no",
        "routing_recall": "no",
        "camp_dial_order": "linear",
    }
    assert config["optional_labels"] == ALL_LABELS


def test_vagent_and_a_seeded_skill_are_valid_skills(api: Api) -> None:
    assert edit(api, "1002", {"skill_id": "VAGENT"}).status == 200
    assert edit(api, "1002", {"skill_id": "1001"}).status == 200
    assert edit(api, "1002", {"skill_id": ""}).status == 200  # no skill


def test_without_seeded_skills_any_numeric_skill_is_accepted() -> None:
    store = Store()
    store.seed([CampaignData(campaign_id=1, campaign_name="A", type_campaign=CampaignType.PREVIEW)])
    assert edit(Api(store), "1", {"skill_id": "777"}).status == 200


def test_an_optional_type_campaign_in_the_url_must_match(api: Api) -> None:
    q = "api=edit_campaign&type_campaign=%s&campaign_id=1002"
    body = {"campaign_description": "x"}
    assert call(api, "PUT", CAMPAIGN_PATH, q % "preview", body).status == 200
    assert call(api, "PUT", CAMPAIGN_PATH, q % "predictive", body).status == 404
    assert call(api, "PUT", CAMPAIGN_PATH, q % "blast", body).status == 400


def edit_errors() -> list[tuple[str, Any, int, str]]:
    return [
        ("", {"campaign_name": "x"}, 400, "REQUIRED: campaign_id"),
        ("abc", {"campaign_name": "x"}, 400, "NUMERIC"),
        ("\u00b2", {"campaign_name": "x"}, 400, "NUMERIC"),
        ("9999", {"campaign_name": "x"}, 404, "9999"),
        ("9" * 40, {"campaign_name": "x"}, 404, "DOES NOT EXIST"),
        ("1001", None, 400, "REQUIRED"),
        ("1001", b"{not json", 400, "JSON"),
        ("1001", b"[" * 5000, 400, "JSON"),
        ("1001", ["campaign_name"], 400, "REQUIRED"),
        ("1001", {}, 400, "at least one field"),
        ("1001", {"campaign_nme": "typo"}, 400, "UNKNOWN PARAMETERS: campaign_nme"),
        ("1001", {"speed": "5"}, 400, "UNKNOWN PARAMETERS: speed"),
        ("1001", {"campaign_name": 5}, 400, "STRINGS"),
        ("1001", {"campaign_name": "  "}, 400, "BLANK"),
        ("1001", {"campaign_description": "a\ud800"}, 400, "UNICODE"),
        ("1001", {"type_camp": "Blaster"}, 400, "type_camp"),
        ("1001", {"enable_edition": "si"}, 400, "yes OR no"),
        ("1001", {"turbo_dial": "on"}, 400, "yes OR no"),
        ("1001", {"routing_recall": "true"}, 400, "yes OR no"),
        ("1001", {"start_time": "090000"}, 400, "HH:mm:ss"),
        ("1001", {"start_time": "24:00:00"}, 400, "HH:mm:ss"),
        ("1001", {"end_time": "9:00:00"}, 400, "HH:mm:ss"),
        ("1001", {"end_time": "07:00:00"}, 400, "IS NOT AFTER 08:00:00"),
        ("1001", {"start_time": "18:00:00"}, 400, "IS NOT AFTER"),  # equal is not after
        ("1001", {"start_time": "10:00:00", "end_time": "09:00:00"}, 400, "NOT AFTER"),
        ("1001", {"end_time": ""}, 400, "GO TOGETHER"),
        ("1002", {"start_time": "08:00:00"}, 400, "GO TOGETHER"),
        ("1001", {"skill_id": "9999"}, 400, "SKILL DOES NOT EXIST"),
        ("1001", {"skill_id": "vagent"}, 400, "skill_id"),
        ("1001", {"skill_id": "12a"}, 400, "NUMERIC OR VAGENT"),
        ("1001", {"amd_conf": "BRA"}, 400, "amd_conf"),
        ("1001", {"amd_conf": "col"}, 400, "amd_conf"),
        ("1001", {"camp_dial_order": "spiral"}, 400, "camp_dial_order"),
        ("1001", {"optional_labels": "opt1"}, 400, "optional_labels"),
        ("1001", {"optional_labels": ["opt1"]}, 400, "optional_labels"),
        ("1001", {"optional_labels": {"opt13": "x"}}, 400, "UNKNOWN PARAMETERS: opt13"),
        ("1001", {"optional_labels": {"label": "x"}}, 400, "UNKNOWN"),
        ("1001", {"optional_labels": {"opt1": 5}}, 400, "optional_labels PARAMETERS MUST BE"),
        ("1001", {"optional_labels": {"opt1": None}}, 400, "STRINGS"),
    ]


@pytest.mark.parametrize(("campaign_id", "body", "status", "msg"), edit_errors())
def test_edit_refusals_are_documented_errors_that_change_nothing(
    api: Api, store: Store, campaign_id: str, body: Any, status: int, msg: str
) -> None:
    before = (listed(api), [store.settings(n) for n in (1001, 1002)])
    reply = edit(api, campaign_id, body)
    assert (reply.status, reply.body["code"]) == (status, status)
    assert isinstance(reply.body["error"], str) and msg in reply.body["msg"]
    assert not reply.committed
    assert (listed(api), [store.settings(n) for n in (1001, 1002)]) == before


def test_a_refusal_anywhere_in_the_body_changes_no_other_field(api: Api, store: Store) -> None:
    reply = edit(api, "1001", {"campaign_name": "Changed", "camp_dial_order": "spiral"})
    assert reply.status == 400
    assert listed(api)[0]["campaign_name"] == "Renewals"


# -- speed ----------------------------------------------------------------------------------


@pytest.mark.parametrize("speed", ["0", "37", "100", "007"])
def test_speed_answers_202_and_the_list_shows_it(api: Api, speed: str) -> None:
    reply = call(api, "PUT", CAMPAIGN_PATH, "api=speed&campaign_id=1002", {"speed": speed})
    assert reply.status == 202 and reply.body["code"] == 202 and reply.committed
    assert reply.body["msg"] == "The speed of 1002 campaign_id has been updated successfully"
    assert listed(api)[1]["speed"] == str(int(speed))


@pytest.mark.parametrize(
    ("query", "body", "status"),
    [
        ("api=speed&campaign_id=1002", {"speed": "101"}, 400),
        ("api=speed&campaign_id=1002", {"speed": "-1"}, 400),
        ("api=speed&campaign_id=1002", {"speed": "5.5"}, 400),
        ("api=speed&campaign_id=1002", {"speed": ""}, 400),
        ("api=speed&campaign_id=1002", {"speed": 5}, 400),
        ("api=speed&campaign_id=1002", {}, 400),
        ("api=speed&campaign_id=1002", {"speed": "5", "turbo": "x"}, 400),
        ("api=speed&campaign_id=1002", None, 400),
        ("api=speed", {"speed": "5"}, 400),
        ("api=speed&campaign_id=7", {"speed": "5"}, 404),
        ("api=speed&type_campaign=predictive&campaign_id=1002", {"speed": "5"}, 404),
    ],
)
def test_bad_speeds_are_refused_and_change_nothing(
    api: Api, query: str, body: Any, status: int
) -> None:
    before = listed(api)
    reply = call(api, "PUT", CAMPAIGN_PATH, query, body)
    assert reply.status == status and not reply.committed
    assert listed(api) == before


# -- delete ---------------------------------------------------------------------------------


def test_delete_one_answers_code_200_as_text_and_the_campaign_is_gone(
    api: Api, store: Store
) -> None:
    reply = call(
        api, "DELETE", CAMPAIGN_PATH, "api=delete_campaign&type_campaign=preview&campaign_id=1002"
    )
    assert reply.status == 200 and reply.committed
    assert reply.body == {
        "code": "200",
        "error": None,
        "msg": "1 campaigns deleted successfully. 0 operations failed.",
    }
    assert [r["campaign_id"] for r in listed(api)] == ["1001", "1003"]
    again = call(
        api, "DELETE", CAMPAIGN_PATH, "api=delete_campaign&type_campaign=preview&campaign_id=1002"
    )
    assert again.status == 404
    # ids are never reused
    created = call(
        api,
        "POST",
        CAMPAIGN_PATH,
        "api=create_campaign&type_campaign=preview",
        {"campaign_name": "N"},
    )
    assert int(created.body["data"][0]["id_campaign"]) > 1003


def test_bulk_delete_counts_deleted_and_failed(api: Api) -> None:
    reply = call(
        api,
        "DELETE",
        CAMPAIGN_PATH,
        "api=delete_campaign&type_campaign=preview",
        # 1002 and 1003 go; 1002 again, an unknown id and a predictive one (1001) fail
        {"campaign_ids": ["1002", "1003", "1002", "4242", "1001"]},
    )
    assert reply.status == 200 and reply.committed
    assert reply.body["msg"] == "2 campaigns deleted successfully. 3 operations failed."
    assert [r["campaign_id"] for r in listed(api)] == ["1001"]


def test_a_bulk_delete_that_deletes_nothing_commits_nothing(api: Api) -> None:
    reply = call(
        api,
        "DELETE",
        CAMPAIGN_PATH,
        "api=delete_campaign&type_campaign=preview",
        {"campaign_ids": ["4242"]},
    )
    assert reply.status == 200 and not reply.committed
    assert reply.body["msg"] == "0 campaigns deleted successfully. 1 operations failed."


def test_a_started_campaign_must_be_stopped_before_it_is_deleted(api: Api) -> None:
    q = "api=delete_campaign&type_campaign=predictive&campaign_id=1001"
    refused = call(api, "DELETE", CAMPAIGN_PATH, q)
    assert refused.status == 400 and "STOP IT FIRST" in refused.body["msg"]
    bulk = call(
        api,
        "DELETE",
        CAMPAIGN_PATH,
        "api=delete_campaign&type_campaign=predictive",
        {"campaign_ids": ["1001"]},
    )
    assert bulk.body["msg"] == "0 campaigns deleted successfully. 1 operations failed."
    assert len(listed(api)) == 3
    call(api, "PUT", CAMPAIGN_PATH, "api=stop&type_campaign=predictive&campaign_id=1001")
    assert call(api, "DELETE", CAMPAIGN_PATH, q).status == 200
    assert len(listed(api)) == 2


@pytest.mark.parametrize(
    ("query", "body", "status"),
    [
        ("api=delete_campaign&campaign_id=1002", None, 400),
        ("api=delete_campaign&type_campaign=preview", None, 400),
        ("api=delete_campaign&type_campaign=preview", {"campaign_ids": []}, 400),
        ("api=delete_campaign&type_campaign=preview", {"campaign_ids": "1002"}, 400),
        ("api=delete_campaign&type_campaign=preview", {"campaign_ids": [1002]}, 400),
        ("api=delete_campaign&type_campaign=preview", {"campaign_ids": ["x"]}, 400),
        ("api=delete_campaign&type_campaign=preview", {"ids": ["1002"]}, 400),
        (
            "api=delete_campaign&type_campaign=preview&campaign_id=1002",
            {"campaign_ids": ["1003"]},
            400,
        ),
        ("api=delete_campaign&type_campaign=predictive&campaign_id=1002", None, 404),
    ],
)
def test_bad_deletes_are_refused_and_change_nothing(
    api: Api, query: str, body: Any, status: int
) -> None:
    before = listed(api)
    reply = call(api, "DELETE", CAMPAIGN_PATH, query, body)
    assert reply.status == status and not reply.committed
    assert listed(api) == before


def test_the_new_endpoints_refuse_other_methods(api: Api) -> None:
    for method, query in (
        ("POST", EDIT + "1002"),
        ("GET", "api=speed&campaign_id=1002"),
        ("PUT", "api=delete_campaign&type_campaign=preview&campaign_id=1002"),
    ):
        reply = call(api, method, CAMPAIGN_PATH, query, {"campaign_name": "x"})
        assert reply.status == 405
    assert len(listed(api)) == 3
