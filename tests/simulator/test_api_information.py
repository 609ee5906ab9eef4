"""The read side in-process: the list's skill_id, `&campaign=` filter and lag; skills;
token_info."""

from __future__ import annotations

import pytest

from reconciler.simulator.api import CAMPAIGN_PATH, INFORMATION_PATH, Api, ApiOptions
from reconciler.simulator.store import CampaignData, SkillData, Store
from reconciler.vocabulary import CampaignType, LiveStatus
from tests.simulator.helpers import call, listed


@pytest.fixture
def store() -> Store:
    store = Store()
    store.seed(
        [
            CampaignData(
                campaign_id=1001,
                campaign_name="Renewals",
                type_campaign=CampaignType.PREDICTIVE,
                skill_id="1001",
            ),
            CampaignData(
                campaign_id=1002, campaign_name="Winback", type_campaign=CampaignType.PREVIEW
            ),
        ],
        [
            SkillData("2010", "Sales", "upsell", "2026-01-01 10:00:00"),
            SkillData("1001", "Collections"),
        ],
    )
    return store


def test_list_rows_carry_skill_id_unless_switched_off(store: Store) -> None:
    assert [r["skill_id"] for r in listed(Api(store))] == ["1001", ""]
    rows = listed(Api(store, ApiOptions(list_skill_id=False)))
    assert all("skill_id" not in r for r in rows) and len(rows[0]) == 11


def test_the_campaign_filter_lists_one_campaign_or_none(store: Store) -> None:
    api = Api(store)
    assert [r["campaign_id"] for r in listed(api, "&campaign=1002")] == ["1002"]
    none = call(api, "GET", INFORMATION_PATH, "api=campaigns&campaign=4242")
    assert none.status == 200 and none.body["data"] == []
    assert none.body["msg"] == "0 records were found"
    for bad in ("abc", "", "-1"):
        assert call(api, "GET", INFORMATION_PATH, f"api=campaigns&campaign={bad}").status == 400


def test_a_new_campaign_is_listed_only_after_the_lag(store: Store) -> None:
    now = [1000.0]
    api = Api(store, ApiOptions(list_lag=2.0), now=lambda: now[0])
    created = call(
        api,
        "POST",
        CAMPAIGN_PATH,
        "api=create_campaign&type_campaign=preview",
        {"campaign_name": "N"},
    )
    assert created.status == 201  # the create itself answers at once
    new_id = created.body["data"][0]["id_campaign"]
    assert [r["campaign_id"] for r in listed(api)] == ["1001", "1002"]
    assert listed(api, f"&campaign={new_id}") == []
    # the campaign exists all the same: it can be started before it is listed
    start = f"api=start&type_campaign=preview&campaign_id={new_id}"
    assert call(api, "PUT", CAMPAIGN_PATH, start).status == 202
    now[0] = 1001.9
    assert len(listed(api)) == 2
    now[0] = 1002.0
    rows = listed(api)
    assert [r["campaign_id"] for r in rows] == ["1001", "1002", new_id]
    assert rows[2]["status"] == "Started"


def test_changes_to_listed_campaigns_show_at_once_under_a_lag(store: Store) -> None:
    api = Api(store, ApiOptions(list_lag=60.0), now=lambda: 5.0)
    call(api, "PUT", CAMPAIGN_PATH, "api=start&type_campaign=preview&campaign_id=1002")
    call(api, "PUT", CAMPAIGN_PATH, "api=speed&campaign_id=1002", {"speed": "9"})
    row = listed(api)[1]
    assert (row["status"], row["speed"]) == ("Started", "9")
    assert store.get(1002).status is LiveStatus.STARTED  # type: ignore[union-attr]


def test_skills_lists_the_seeded_skills_and_filters_by_id(store: Store) -> None:
    api = Api(store)
    reply = call(api, "GET", INFORMATION_PATH, "api=skills")
    assert reply.status == 200 and reply.body["msg"] == "2 records were found"
    assert reply.body["data"] == [
        {"skill_id": "1001", "skill_name": "Collections", "skill_description": "", "last_use": ""},
        {
            "skill_id": "2010",
            "skill_name": "Sales",
            "skill_description": "upsell",
            "last_use": "2026-01-01 10:00:00",
        },
    ]
    one = call(api, "GET", INFORMATION_PATH, "api=skills&skill=2010").body["data"]
    assert [s["skill_id"] for s in one] == ["2010"]
    assert call(api, "GET", INFORMATION_PATH, "api=skills&skill=7").body["data"] == []
    assert call(api, "GET", INFORMATION_PATH, "api=skills&skill=x").status == 400


def test_no_seeded_skills_is_an_empty_list() -> None:
    reply = call(Api(Store()), "GET", INFORMATION_PATH, "api=skills")
    assert reply.status == 200 and reply.body["data"] == []


def test_token_info_reports_the_use_it_is_given(store: Store) -> None:
    api = Api(store, ApiOptions(token_limit=300), usage=lambda token: (12, 40))
    reply = call(api, "GET", INFORMATION_PATH, "api=token_info", token="t")
    assert reply.status == 200 and reply.body["error"] is None
    [info] = reply.body["data"]
    assert {k: v for k, v in info.items() if k != "description"} == {
        "token_limit": "300",
        "token_use_today": "12",
        "all_token_today": "40",
        "available_consumption_options": "288",
    }
    assert info["description"]


def test_token_info_never_reports_a_negative_balance(store: Store) -> None:
    api = Api(store, ApiOptions(token_limit=5), usage=lambda token: (9, 9))
    [info] = call(api, "GET", INFORMATION_PATH, "api=token_info").body["data"]
    assert info["available_consumption_options"] == "0"


@pytest.mark.parametrize("query", ["api=token_info", "api=skills"])
def test_the_read_endpoints_are_get_only(store: Store, query: str) -> None:
    reply = call(Api(store), "POST", INFORMATION_PATH, query)
    assert reply.status == 405 and dict(reply.headers) == {"Allow": "GET"}
    assert call(Api(store), "GET", CAMPAIGN_PATH, query).status == 400  # wrong .php
