"""edit_campaign, speed, delete_campaign, token_info, skills and the list lag over a real
socket: the same admission, limits and faults as the first five endpoints."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.helpers import Simulator

pytestmark = pytest.mark.e2e

StartSimulator = Callable[..., Simulator]
CAMPAIGN = "/api/v2/campaign.php?"
INFO = "/api/v2/information.php?"
SEED = {
    "campaigns": [
        {
            "campaign_id": "1001",
            "campaign_name": "Renewals",
            "type_campaign": "predictive",
            "status": "Started",
            "skill_id": "1001",
        },
        {"campaign_id": "1002", "campaign_name": "Winback", "type_campaign": "preview"},
        {"campaign_id": "1003", "campaign_name": "Old", "type_campaign": "preview"},
    ],
    "skills": [{"skill_id": "1001", "skill_name": "Collections"}],
}
#: one request per new endpoint, each one that would change something
CHANGES: list[tuple[str, str, object]] = [
    ("PUT", CAMPAIGN + "api=edit_campaign&campaign_id=1002", {"campaign_description": "edited"}),
    ("PUT", CAMPAIGN + "api=speed&campaign_id=1002", {"speed": "50"}),
    ("DELETE", CAMPAIGN + "api=delete_campaign&type_campaign=preview&campaign_id=1003", None),
]
READS = [("GET", INFO + "api=token_info", None), ("GET", INFO + "api=skills", None)]


def send(
    sim: Simulator, method: str, url: str, body: object, token: str | None = None
) -> int | str:
    try:
        return sim.request(method, url, json=body, token=token).status_code
    except httpx.TransportError:
        return "dropped"


def test_the_new_endpoints_answer_and_token_info_counts_real_use(
    simulator: StartSimulator,
) -> None:
    sim = simulator(SEED, "--daily-quota", "12", "--token", "a", "--token", "b")
    assert sim.request("GET", INFO + "api=campaigns", token="b").status_code == 200
    assert [send(sim, *change) for change in CHANGES] == [200, 202, 200]
    skills = sim.request("GET", INFO + "api=skills").json()
    assert [s["skill_id"] for s in skills["data"]] == ["1001"]
    rows = sim.campaigns()
    assert [(r["campaign_id"], r["campaign_description"], r["speed"]) for r in rows] == [
        ("1001", "", "1"),
        ("1002", "edited", "50"),
    ]
    assert rows[0]["skill_id"] == "1001"
    # refused requests cost nothing
    assert send(sim, "GET", INFO + "api=token_info", None, token="wrong") == 403
    [info] = sim.request("GET", INFO + "api=token_info").json()["data"]
    assert info["token_limit"] == "12"
    assert info["token_use_today"] == "6"  # 3 changes, skills, the list, this call itself
    assert info["all_token_today"] == "7"  # and b's list
    assert info["available_consumption_options"] == "6"
    for _ in range(6):
        assert sim.request("GET", INFO + "api=campaigns").status_code == 200
    for method, url, body in CHANGES + READS:  # the quota is spent: 403 on every endpoint
        answer = sim.request(method, url, json=body)
        assert answer.status_code == 403 and answer.json()["msg"] == "TOKEN LIMIT EXCEEDED"


def test_without_a_daily_quota_token_info_reports_licenses_times_1000(
    simulator: StartSimulator,
) -> None:
    sim = simulator(SEED, "--licenses", "3", "--no-list-skill-id", "--string-codes")
    answer = sim.request("GET", INFO + "api=token_info").json()
    assert answer["code"] == "200"
    assert answer["data"][0]["token_limit"] == "3000"
    assert answer["data"][0]["available_consumption_options"] == "2999"
    assert all("skill_id" not in row for row in sim.campaigns())


def test_faults_and_drops_apply_to_the_new_endpoints(simulator: StartSimulator) -> None:
    failing = simulator(SEED, "--fail-rate", "1")
    for change in CHANGES + READS:
        assert send(failing, *change) in (500, 503, "dropped")
    failing.stop()
    dropping = simulator(SEED, "--drop-after-commit-rate", "1")
    for change in CHANGES:  # committed, then no answer
        assert send(dropping, *change) == "dropped"
    rows = dropping.campaigns()  # a read is never dropped after the fact
    assert [(r["campaign_id"], r["campaign_description"], r["speed"]) for r in rows] == [
        ("1001", "", "1"),
        ("1002", "edited", "50"),
    ]
    # a refusal commits nothing, so it is answered
    assert send(dropping, "PUT", CAMPAIGN + "api=speed&campaign_id=1002", {"speed": "500"}) == 400


def test_the_concurrency_slot_counts_the_new_endpoints(simulator: StartSimulator) -> None:
    sim = simulator(SEED, "--latency-ms", "600", "--max-concurrent", "2")
    barrier = threading.Barrier(3)
    calls = [CHANGES[0], CHANGES[1], READS[0]]

    def one(index: int) -> int | str:
        barrier.wait()
        return send(sim, *calls[index])

    with ThreadPoolExecutor(3) as pool:
        outcomes = list(pool.map(one, range(3)))
    assert sorted(map(str, outcomes)) == ["200", "202", "403"] or sorted(map(str, outcomes)) == [
        "200",
        "200",
        "403",
    ]


def test_a_created_campaign_is_listed_only_after_the_list_lag(simulator: StartSimulator) -> None:
    sim = simulator(SEED, "--list-lag", "0.6")
    began = time.monotonic()
    created = sim.request(
        "POST",
        CAMPAIGN + "api=create_campaign&type_campaign=preview",
        json={"campaign_name": "Late"},
    )
    assert created.status_code == 201
    new_id = created.json()["data"][0]["id_campaign"]
    stop = sim.request("PUT", CAMPAIGN + "api=stop&type_campaign=preview&campaign_id=1002")
    assert stop.status_code == 202
    rows = sim.campaigns()
    if time.monotonic() - began < 0.5:  # a very slow machine could pass the lag already
        assert new_id not in [r["campaign_id"] for r in rows]
    time.sleep(max(0.0, began + 0.7 - time.monotonic()))
    assert new_id in [r["campaign_id"] for r in sim.campaigns()]
