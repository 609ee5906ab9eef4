"""The five endpoints as functions of a request (no socket): answers, errors, no-change."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.simulator.api import CAMPAIGN_PATH, INFORMATION_PATH, Api, Reply
from reconciler.simulator.store import CampaignData, Store
from reconciler.vocabulary import RESULTS, CampaignType, LiveStatus

LIST_FIELDS = [
    "campaign_id",
    "campaign_name",
    "campaign_description",
    "type_campaign",
    "status",
    "records",
    "speed",
    "dial_mode",
    "last_use",
    "recycled",
    "turbo_dial",
    "skill_id",  # the collection's sample; --no-list-skill-id leaves it out
]


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
                record_results=(("busy", 3), ("answer", 10), ("unknown", 2)),
            ),
            CampaignData(
                campaign_id=1002, campaign_name="Winback", type_campaign=CampaignType.PREVIEW
            ),
        ]
    )
    return store


@pytest.fixture
def api(store: Store) -> Api:
    return Api(store, clock=lambda: "2026-01-02 03:04:05")


def call(api: Api, method: str, path: str, query: str, body: Any = None) -> Reply:
    params: dict[str, list[str]] = {}
    for pair in query.split("&") if query else []:
        key, _, value = pair.partition("=")
        params.setdefault(key, []).append(value)
    raw = b"" if body is None else body if isinstance(body, bytes) else json.dumps(body).encode()
    return api.handle(method, path, params, raw)


def listed(api: Api) -> list[dict[str, str]]:
    reply = call(api, "GET", INFORMATION_PATH, "api=campaigns")
    assert reply.status == 200
    rows: list[dict[str, str]] = reply.body["data"]
    return rows


def test_list_rows_carry_the_documented_fields_as_strings(api: Api) -> None:
    reply = call(api, "GET", INFORMATION_PATH, "api=campaigns")
    assert reply.body["code"] == 200 and reply.body["error"] is None
    assert reply.body["msg"] == "2 records were found"
    rows = reply.body["data"]
    assert [list(row) for row in rows] == [LIST_FIELDS, LIST_FIELDS]
    assert all(isinstance(v, str) for row in rows for v in row.values())
    assert rows[0]["records"] == "15" and rows[0]["status"] == "Started"
    assert rows[1]["records"] == "0" and rows[1]["status"] == "Stopped"


def test_create_answers_201_with_a_fresh_numeric_id_and_a_stopped_empty_campaign(
    api: Api, store: Store
) -> None:
    body = {
        "campaign_name": "New",
        "campaign_description": "d",
        "start_time": "080000",
        "end_time": "170000",
        "skill_id": "12",
        **{f"opt{n}": "" for n in range(1, 13)},
        "enable_edition": "yes",
    }
    reply = call(api, "POST", CAMPAIGN_PATH, "api=create_campaign&type_campaign=preview", body)
    assert reply.status == 201 and reply.body["code"] == 201 and reply.body["error"] is None
    assert reply.committed
    data = reply.body["data"]
    new_id = data[0]["id_campaign"]
    assert new_id.isdigit() and new_id not in ("1001", "1002")
    assert data[0]["name_campaign"] == "New"
    assert reply.body["msg"] == f"The {new_id} campaign_id has been created successfully"
    row = next(r for r in listed(api) if r["campaign_id"] == new_id)
    assert row["status"] == "Stopped" and row["records"] == "0"
    assert row["type_campaign"] == "preview" and row["campaign_description"] == "d"
    # what the list cannot show is kept all the same
    assert store.settings(int(new_id))["start_time"] == "08:00:00"
    assert store.get(int(new_id)).skill_id == "12"  # type: ignore[union-attr]


def test_duplicate_names_are_allowed_and_get_distinct_ids(api: Api) -> None:
    body = {"campaign_name": "Same"}
    q = "api=create_campaign&type_campaign=predictive"
    first = call(api, "POST", CAMPAIGN_PATH, q, body).body["data"][0]["id_campaign"]
    second = call(api, "POST", CAMPAIGN_PATH, q, body).body["data"][0]["id_campaign"]
    assert first != second
    assert [r["campaign_name"] for r in listed(api)].count("Same") == 2


def test_type_is_accepted_in_any_case_and_listed_lowercase(api: Api) -> None:
    reply = call(
        api,
        "POST",
        CAMPAIGN_PATH,
        "api=create_campaign&type_campaign=Predictive",
        {"campaign_name": "P"},
    )
    assert reply.status == 201
    assert listed(api)[-1]["type_campaign"] == "predictive"


def test_start_and_stop_answer_202_and_are_idempotent(api: Api) -> None:
    q = "type_campaign=preview&campaign_id=1002"
    for _ in range(2):  # starting a started campaign succeeds too
        reply = call(api, "PUT", CAMPAIGN_PATH, f"api=start&{q}")
        assert reply.status == 202 and reply.body["error"] is None
        assert reply.body["msg"] == "The 1002 campaign_id has been started successfully"
    row = listed(api)[1]
    assert row["status"] == "Started" and row["last_use"] == "2026-01-02 03:04:05"
    for _ in range(2):
        reply = call(api, "PUT", CAMPAIGN_PATH, f"api=stop&{q}")
        assert reply.status == 202
        assert reply.body["msg"] == "The 1002 campaign_id has been stopped successfully"
    assert listed(api)[1]["status"] == "Stopped"


def test_clear_removes_every_record(api: Api) -> None:
    reply = call(
        api, "DELETE", CAMPAIGN_PATH, "api=clear_campaign&type_campaign=predictive&campaign_id=1001"
    )
    assert reply.status == 202 and reply.body["code"] == 202
    assert reply.body["msg"] == "All records has been deleted of campaign_id 1001 successfully"
    assert listed(api)[0]["records"] == "0"
    assert listed(api)[0]["status"] == "Started"  # clearing a started campaign is allowed


def test_clear_with_result_removes_only_those_records(api: Api, store: Store) -> None:
    q = "api=clear_campaign&type_campaign=predictive&campaign_id=1001&result=busy"
    assert call(api, "DELETE", CAMPAIGN_PATH, q).status == 202
    row = store.get(1001)
    assert row is not None
    assert dict(row.record_results) == {"answer": 10, "unknown": 2}
    assert listed(api)[0]["records"] == "12"


@pytest.mark.parametrize("result", RESULTS)
def test_clear_accepts_every_documented_result(api: Api, result: str) -> None:
    q = f"api=clear_campaign&type_campaign=predictive&campaign_id=1001&result={result}"
    assert call(api, "DELETE", CAMPAIGN_PATH, q).status == 202


# -- errors: each answered with the documented body, each changing nothing -----------------


def error_cases() -> list[tuple[str, str, str, Any, int, str]]:
    c, i = CAMPAIGN_PATH, INFORMATION_PATH
    create = "api=create_campaign&type_campaign=preview"
    return [
        ("GET", i, "", None, 400, "SOME PARAMETERS ARE REQUIRED"),
        ("GET", i, "api=agents", None, 400, "THE API YOU WANT TO CONSULT DOES NOT EXIST"),
        ("GET", c, "api=campaigns", None, 400, "THE API YOU WANT TO CONSULT DOES NOT EXIST"),
        ("GET", "/api/v2/other.php", "api=campaigns", None, 404, "DOES NOT EXIST"),
        ("POST", i, "api=campaigns", None, 405, "USE GET"),
        ("GET", c, create, {"campaign_name": "x"}, 405, "USE POST"),
        ("POST", c, "api=start&type_campaign=preview&campaign_id=1002", None, 405, "USE PUT"),
        ("PUT", c, "api=clear_campaign&type_campaign=preview&campaign_id=1002", None, 405, ""),
        ("POST", c, "api=create_campaign", {"campaign_name": "x"}, 400, "REQUIRED"),
        ("POST", c, "api=create_campaign&type_campaign=blast", {"campaign_name": "x"}, 400, ""),
        ("POST", c, create, None, 400, "REQUIRED"),
        ("POST", c, create, b"{not json", 400, "JSON"),
        ("POST", c, create, ["campaign_name"], 400, "REQUIRED"),
        ("POST", c, create, {"campaign_description": "no name"}, 400, "campaign_name"),
        ("POST", c, create, {"campaign_name": "  "}, 400, "campaign_name"),
        ("POST", c, create, {"campaign_name": "x", "campaing_name": "typo"}, 400, "UNKNOWN"),
        ("POST", c, create, {"campaign_name": "x", "skill_id": 12}, 400, "STRINGS"),
        ("POST", c, create, {"campaign_name": "x", "start_time": "8:00"}, 400, "HHMMSS"),
        ("POST", c, create, {"campaign_name": "x", "end_time": "250000"}, 400, "HHMMSS"),
        ("POST", c, create, {"campaign_name": "x", "skill_id": "abc"}, 400, "skill_id"),
        ("POST", c, create, {"campaign_name": "x", "enable_edition": "maybe"}, 400, "yes OR no"),
        ("PUT", c, "api=start&type_campaign=preview", None, 400, "REQUIRED: campaign_id"),
        ("PUT", c, "api=start&campaign_id=1002", None, 400, "REQUIRED: type_campaign"),
        ("PUT", c, "api=start&type_campaign=preview&campaign_id=abc", None, 400, "NUMERIC"),
        ("PUT", c, "api=start&type_campaign=preview&campaign_id=9999", None, 404, "9999"),
        # the id exists, but with the other type
        ("PUT", c, "api=stop&type_campaign=preview&campaign_id=1001", None, 404, "1001"),
        ("DELETE", c, "api=clear_campaign&type_campaign=preview&campaign_id=1001", None, 404, ""),
        (
            "DELETE",
            c,
            "api=clear_campaign&type_campaign=predictive&campaign_id=1001&result=hangup",
            None,
            400,
            "INVALID RESULT",
        ),
        (
            "DELETE",
            c,
            "api=clear_campaign&type_campaign=predictive&campaign_id=1001&result=",
            None,
            400,
            "INVALID RESULT",
        ),
    ]


@pytest.mark.parametrize(("method", "path", "query", "body", "status", "msg"), error_cases())
def test_errors_answer_the_documented_body_and_change_nothing(
    api: Api, method: str, path: str, query: str, body: Any, status: int, msg: str
) -> None:
    before = listed(api)
    reply = call(api, method, path, query, body)
    assert reply.status == status
    assert reply.body["code"] == status
    assert isinstance(reply.body["error"], str) and reply.body["error"]
    assert msg in reply.body["msg"]
    assert set(reply.body) == {"code", "error", "msg"}
    assert not reply.committed
    assert listed(api) == before


def test_a_wrong_method_names_the_allowed_one(api: Api) -> None:
    reply = call(api, "DELETE", INFORMATION_PATH, "api=campaigns")
    assert reply.status == 405 and dict(reply.headers) == {"Allow": "GET"}


@settings(max_examples=40, deadline=None)
@given(
    breakdown=st.dictionaries(st.sampled_from(RESULTS), st.integers(1, 50)),
    clears=st.lists(st.sampled_from((*RESULTS, None)), max_size=6),
)
def test_records_listed_are_what_the_clears_left(
    breakdown: dict[str, int], clears: list[str | None]
) -> None:
    store = Store()
    store.seed(
        [
            CampaignData(
                campaign_id=1,
                campaign_name="A",
                type_campaign=CampaignType.PREVIEW,
                record_results=tuple(breakdown.items()),
            )
        ]
    )
    api = Api(store)
    model = dict(breakdown)
    for result in clears:
        query = "api=clear_campaign&type_campaign=preview&campaign_id=1"
        if result is None:
            model.clear()
        else:
            model.pop(result, None)
            query += f"&result={result}"
        assert call(api, "DELETE", CAMPAIGN_PATH, query).status == 202
        assert listed(api)[0]["records"] == str(sum(model.values()))


def test_a_create_body_with_a_lone_surrogate_escape_is_a_400_not_a_500(api: Api) -> None:
    before = listed(api)
    raw = b'{"campaign_name": "a\\ud800", "campaign_description": "ok"}'
    reply = api.handle(
        "POST", CAMPAIGN_PATH, {"api": ["create_campaign"], "type_campaign": ["preview"]}, raw
    )
    assert reply.status == 400
    assert reply.body["msg"] == "PARAMETERS MUST BE VALID UNICODE TEXT: campaign_name"
    assert listed(api) == before
