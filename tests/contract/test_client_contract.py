"""The client against the simulator on 127.0.0.1: every endpoint, every documented error.

The simulator is served from a thread of the test process, from `simulate`'s own options
(a real socket, real HTTP), and shares nothing with the client but the vocabulary: when
both agree here, both follow the vendor's pages.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from reconciler.client import WolkvoxClient
from reconciler.errors import (
    ApiError,
    AuthError,
    ConcurrencyLimited,
    NotFound,
    OutcomeUnknown,
    QuotaExhausted,
    TransientError,
)
from reconciler.manifest.desired import Campaign, Operation, create_params
from reconciler.secret import Secret
from reconciler.vocabulary import CampaignType, DesiredState, LiveStatus
from tests.helpers import Simulator, client_for

pytestmark = pytest.mark.e2e

SEED: dict[str, Any] = {
    "campaigns": [
        {
            "campaign_id": "1001",
            "campaign_name": "renewals",
            "campaign_description": "Renewals Q4",
            "type_campaign": "predictive",
            "status": "Started",
            "records": 15,
            "record_results": {"busy": 3, "answer": 10},
        },
        {
            "campaign_id": "1002",
            "campaign_name": "surveys",
            "type_campaign": "preview",
            "status": "Stopped",
            "records": 0,
        },
    ]
}

Start = Callable[..., Simulator]


def connect(sim: Simulator, **kwargs: Any) -> WolkvoxClient:
    kwargs.setdefault("backoff", 0.01)
    return client_for(Operation(server="never-used"), endpoint=sim.url, environ=sim.env, **kwargs)


@pytest.fixture
def sim(simulator: Start) -> Simulator:
    return simulator(SEED)


@pytest.fixture
def client(sim: Simulator) -> Iterator[WolkvoxClient]:
    with connect(sim) as client:
        yield client


def by_id(client: WolkvoxClient) -> dict[str, Any]:
    return {c.campaign_id: c for c in client.list_campaigns()}


def test_list_reads_the_seeded_campaigns(client: WolkvoxClient) -> None:
    live = by_id(client)
    renewals, surveys = live["1001"], live["1002"]
    assert (renewals.name, renewals.type, renewals.status, renewals.records) == (
        "renewals",
        CampaignType.PREDICTIVE,
        LiveStatus.STARTED,
        15,
    )
    assert renewals.description == "Renewals Q4"
    assert {"speed", "dial_mode", "last_use", "recycled", "turbo_dial"} <= dict(
        renewals.extra
    ).keys()
    assert (surveys.type, surveys.status, surveys.records) == (
        CampaignType.PREVIEW,
        LiveStatus.STOPPED,
        0,
    )
    assert client.calls == 1


def test_create_start_stop_clear_round_trip(client: WolkvoxClient) -> None:
    campaign = Campaign(
        name="winter-leads",
        type=CampaignType.PREVIEW,
        state=DesiredState.STARTED,
        description="Winter",
        skill_id="12",
        start_time="08:00:00",
        end_time="18:00:00",
        options={"opt1": "north", "opt12": "last"},
        enable_edition=True,
    )
    new_id = client.create_campaign(
        CampaignType.PREVIEW, create_params(campaign), campaign=campaign.name
    )
    assert new_id.isdigit()
    created = by_id(client)[new_id]
    assert (created.name, created.description, created.type, created.status, created.records) == (
        "winter-leads",
        "Winter",
        CampaignType.PREVIEW,
        LiveStatus.STOPPED,
        0,
    )

    client.start(CampaignType.PREVIEW, new_id, campaign="winter-leads")
    assert by_id(client)[new_id].status is LiveStatus.STARTED
    client.start(CampaignType.PREVIEW, new_id)  # starting a started campaign is harmless
    client.stop(CampaignType.PREVIEW, new_id, campaign="winter-leads")
    assert by_id(client)[new_id].status is LiveStatus.STOPPED
    client.clear(CampaignType.PREVIEW, new_id, campaign="winter-leads")
    assert by_id(client)[new_id].records == 0
    assert client.calls == 9


def test_clear_with_a_result_removes_only_those_records(client: WolkvoxClient) -> None:
    client.clear(CampaignType.PREDICTIVE, "1001", "busy", campaign="renewals")
    assert by_id(client)["1001"].records == 12
    client.clear(CampaignType.PREDICTIVE, "1001", "do-not-call")  # none of those: no change
    assert by_id(client)["1001"].records == 12
    client.clear(CampaignType.PREDICTIVE, "1001")
    assert by_id(client)["1001"].records == 0


@pytest.mark.parametrize("call", ["start", "stop", "clear"])
def test_an_unknown_campaign_or_a_type_mismatch_is_not_found(
    client: WolkvoxClient, call: str
) -> None:
    with pytest.raises(NotFound) as unknown:
        getattr(client, call)(CampaignType.PREVIEW, "999999", campaign="ghost")
    assert unknown.value.call == {"clear": "clear_campaign"}.get(call, call)
    assert "ghost" in str(unknown.value)
    with pytest.raises(NotFound):  # 1001 exists, but it is predictive
        getattr(client, call)(CampaignType.PREVIEW, "1001", campaign="renewals")
    assert client.calls == 2  # neither was retried


def test_a_wrong_token_is_an_auth_error_and_never_retried(sim: Simulator) -> None:
    with WolkvoxClient(sim.url + "/api/v2/", Secret("not-the-token"), backoff=0.01) as client:
        with pytest.raises(AuthError, match="PLEASE VALIDATE TOKEN") as info:
            client.list_campaigns()
        assert info.value.status_code == 403
        assert client.calls == 1
    assert "not-the-token" not in str(info.value)


def test_the_daily_quota_is_quota_exhausted_and_never_retried(simulator: Start) -> None:
    sim = simulator(SEED, "--daily-quota", "2")
    with connect(sim) as client:
        client.list_campaigns()
        client.stop(CampaignType.PREDICTIVE, "1001")
        with pytest.raises(QuotaExhausted, match="TOKEN LIMIT EXCEEDED"):
            client.start(CampaignType.PREDICTIVE, "1001", campaign="renewals")
        assert client.calls == 3


def run_together(n: int, target: Callable[[], None]) -> list[BaseException]:
    barrier = threading.Barrier(n)
    errors: list[BaseException] = []

    def worker() -> None:
        barrier.wait()
        try:
            target()
        except BaseException as exc:  # collected for the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_the_client_limit_keeps_requests_under_the_vendors(simulator: Start) -> None:
    sim = simulator(SEED, "--max-concurrent", "1", "--latency-ms", "150")
    with connect(sim, max_in_flight=1, retries=0) as client:
        errors = run_together(3, lambda: client.stop(CampaignType.PREVIEW, "1002"))
        assert errors == []
        assert client.calls == 3  # none refused, none retried


def test_too_many_simultaneous_requests_is_concurrency_limited(simulator: Start) -> None:
    sim = simulator(SEED, "--max-concurrent", "1", "--latency-ms", "300")
    with connect(sim, max_in_flight=2, retries=0) as client:
        errors = run_together(2, lambda: client.stop(CampaignType.PREVIEW, "1002"))
    assert [type(e) for e in errors] == [ConcurrencyLimited]
    assert "SIMULTANEOUS" in str(errors[0])


def test_a_concurrency_refusal_is_retried_until_it_passes(simulator: Start) -> None:
    sim = simulator(SEED, "--max-concurrent", "1", "--latency-ms", "200")
    with connect(sim, max_in_flight=2, retries=8, backoff=0.1) as client:
        errors = run_together(2, lambda: client.stop(CampaignType.PREVIEW, "1002"))
        assert errors == []
        assert client.calls > 2  # at least one 403 was retried


def test_server_failures_are_retried_then_reported(simulator: Start) -> None:
    sim = simulator(SEED, "--fail-rate", "1")
    with connect(sim, retries=2) as client:
        with pytest.raises(TransientError, match="gave up after 3 attempts"):
            client.stop(CampaignType.PREVIEW, "1002", campaign="surveys")
        assert client.calls == 3


def test_a_create_that_fails_is_never_retried(simulator: Start) -> None:
    sim = simulator(SEED, "--fail-rate", "1")
    with connect(sim, retries=4) as client:
        with pytest.raises(OutcomeUnknown, match="re-read the live list"):
            client.create_campaign(CampaignType.PREVIEW, {"campaign_name": "x"}, campaign="x")
        assert client.calls == 1


def test_a_create_dropped_after_commit_is_outcome_unknown_and_did_happen(
    simulator: Start,
) -> None:
    sim = simulator(SEED, "--drop-after-commit-rate", "1")
    with connect(sim, retries=4) as client:
        with pytest.raises(OutcomeUnknown):
            client.create_campaign(
                CampaignType.PREDICTIVE, {"campaign_name": "dup-risk"}, campaign="dup-risk"
            )
        assert client.calls == 1
        names = [c.name for c in client.list_campaigns()]
    assert names.count("dup-risk") == 1  # exactly one: the client did not create it again


def test_an_idempotent_call_dropped_after_commit_is_retried(simulator: Start) -> None:
    sim = simulator(SEED, "--drop-after-commit-rate", "1")
    with connect(sim, retries=1) as client:
        with pytest.raises(TransientError, match="connection failed"):
            client.start(CampaignType.PREVIEW, "1002")
        assert client.calls == 2
        assert by_id(client)["1002"].status is LiveStatus.STARTED


def test_a_slow_create_times_out_as_outcome_unknown(simulator: Start) -> None:
    sim = simulator(SEED, "--latency-ms", "700")
    with connect(sim, timeout=0.2, retries=3) as client:
        with pytest.raises(OutcomeUnknown, match=r"no answer within 0\.2 s"):
            client.create_campaign(CampaignType.PREVIEW, {"campaign_name": "slow"}, campaign="slow")
        assert client.calls == 1
    with connect(sim, timeout=10) as patient:
        time.sleep(0.7)  # the simulator finishes what it started
        assert [c.name for c in patient.list_campaigns()].count("slow") == 1


def test_a_slow_list_times_out_and_is_retried(simulator: Start) -> None:
    sim = simulator(SEED, "--latency-ms", "500")
    with connect(sim, timeout=0.1, retries=1) as client:
        with pytest.raises(TransientError, match=r"no answer within 0\.1 s"):
            client.list_campaigns()
        assert client.calls == 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_nothing_listening_is_transient_and_uses_no_quota() -> None:
    endpoint = f"http://127.0.0.1:{free_port()}"
    with client_for(
        Operation(), endpoint=endpoint, environ={"WOLKVOX_TOKEN": "t0k3n"}, retries=2, backoff=0
    ) as client:
        with pytest.raises(TransientError, match="could not connect"):
            client.list_campaigns()
        assert client.calls == 0


def test_the_token_is_in_no_error_and_no_log_line(
    simulator: Start, caplog: pytest.LogCaptureFixture
) -> None:
    token = "contract-secret-7d1f0c"
    sim = simulator(SEED, "--token", token, "--daily-quota", "3")
    caplog.set_level(logging.DEBUG, logger="reconciler")
    errors: list[ApiError] = []
    with connect(sim) as client:
        client.list_campaigns()
        for call in (
            lambda: client.start(CampaignType.PREVIEW, "424242", campaign="ghost"),
            lambda: client.stop(CampaignType.PREVIEW, "1002"),
            lambda: client.stop(CampaignType.PREVIEW, "1002"),  # past the quota
        ):
            try:
                call()
            except ApiError as exc:
                errors.append(exc)
    assert [type(e) for e in errors] == [NotFound, QuotaExhausted]
    for error in errors:
        assert token not in str(error) and token not in repr(error)
    assert caplog.records
    assert all(token not in record.getMessage() for record in caplog.records)
