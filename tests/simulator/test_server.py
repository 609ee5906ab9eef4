"""The simulator over a real socket: the installed `simulate` command, driven by plain httpx."""

from __future__ import annotations

import ast
import json
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

import reconciler.simulator
from tests.helpers import Simulator

pytestmark = pytest.mark.e2e

StartSimulator = Callable[..., Simulator]
LIST = "/api/v2/information.php?api=campaigns"
SEED = {
    "campaigns": [
        {
            "campaign_id": "1001",
            "campaign_name": "Renewals",
            "type_campaign": "predictive",
            "status": "Started",
            "records": 15,
            "record_results": {"busy": 3, "answer": 10},
        },
        {"campaign_id": "1002", "campaign_name": "Winback", "type_campaign": "preview"},
    ]
}


def create(sim: Simulator, name: str = "New", **kw: str) -> httpx.Response:
    return sim.request(
        "POST",
        "/api/v2/campaign.php?api=create_campaign&type_campaign=preview",
        json={"campaign_name": name, **kw},
    )


def outcome(call: Callable[[], httpx.Response]) -> int | str:
    try:
        return call().status_code
    except httpx.TransportError:
        return "dropped"


def test_every_endpoint_answers_as_documented(simulator: StartSimulator) -> None:
    sim = simulator(SEED)
    listed = sim.request("GET", LIST).json()
    assert listed["error"] is None and listed["msg"] == "2 records were found"
    assert [(r["campaign_id"], r["status"], r["records"]) for r in listed["data"]] == [
        ("1001", "Started", "15"),
        ("1002", "Stopped", "0"),
    ]

    created = create(sim, "Fresh", start_time="080000", enable_edition="no")
    assert created.status_code == 201 and created.json()["code"] == 201
    new_id = created.json()["data"][0]["id_campaign"]
    assert new_id.isdigit() and created.json()["data"][0]["name_campaign"] == "Fresh"

    q = f"type_campaign=preview&campaign_id={new_id}"
    started = sim.request("PUT", f"/api/v2/campaign.php?api=start&{q}")
    assert (started.status_code, started.json()["msg"]) == (
        202,
        f"The {new_id} campaign_id has been started successfully",
    )
    stopped = sim.request("PUT", f"/api/v2/campaign.php?api=stop&{q}")
    assert stopped.status_code == 202 and "stopped successfully" in stopped.json()["msg"]

    base = "/api/v2/campaign.php?api=clear_campaign&type_campaign=predictive&campaign_id=1001"
    assert sim.request("DELETE", base + "&result=busy").status_code == 202
    assert sim.campaigns()[0]["records"] == "12"
    cleared = sim.request("DELETE", base)
    assert cleared.status_code == 202 and cleared.json()["error"] is None
    assert sim.campaigns()[0]["records"] == "0"
    assert [r["status"] for r in sim.campaigns()] == ["Started", "Stopped", "Stopped"]


def test_token_errors(simulator: StartSimulator) -> None:
    sim = simulator(SEED, "--token", "alpha", "--token", "beta")
    assert sim.request("GET", LIST, token="beta").status_code == 200
    missing = httpx.get(sim.url + LIST)
    assert missing.status_code == 401
    assert missing.json() == {
        "code": 401,
        "error": "UNAUTHORIZED",
        "msg": "PLEASE ENTER THE WOLKVOX-TOKEN",
    }
    for wrong in ("simulator-token", "gamma"):  # the default is not accepted once --token is
        bad = sim.request("GET", LIST, token=wrong)
        assert bad.status_code == 403
        assert bad.json() == {"code": 403, "error": "FORBIDDEN", "msg": "PLEASE VALIDATE TOKEN"}
    # a refused request changes nothing
    refused = sim.request(
        "PUT",
        "/api/v2/campaign.php?api=start&type_campaign=preview&campaign_id=1002",
        token="gamma",
    )
    assert refused.status_code == 403
    assert sim.campaigns()[1]["status"] == "Stopped"


def test_bad_requests_get_json_error_bodies(simulator: StartSimulator) -> None:
    sim = simulator(SEED)
    unknown = sim.request("GET", "/api/v2/agents.php?api=campaigns")
    assert unknown.status_code == 404 and unknown.json()["error"] == "NOT FOUND"
    odd = sim.request("PATCH", LIST)
    assert odd.status_code == 405 and odd.headers["allow"] == "GET"
    assert odd.json()["error"] == "METHOD NOT ALLOWED"
    head = sim.request("HEAD", LIST)
    assert head.status_code == 405 and head.content == b""
    weird = sim.request("BREW", LIST)  # a method http.server has no handler for
    assert weird.status_code == 405 and weird.json()["error"] == "METHOD NOT ALLOWED"
    no_api = sim.request("GET", "/api/v2/information.php?api=agents")
    assert no_api.status_code == 400
    assert no_api.json() == {
        "code": 400,
        "error": "BAD REQUEST",
        "msg": "THE API YOU WANT TO CONSULT DOES NOT EXIST",
    }
    required = sim.request("PUT", "/api/v2/campaign.php?api=stop&type_campaign=preview")
    assert required.status_code == 400 and required.json()["error"] == "BAD REQUEST"
    assert required.json()["msg"].startswith("SOME PARAMETERS ARE REQUIRED")
    missing = sim.request(
        "PUT", "/api/v2/campaign.php?api=stop&type_campaign=preview&campaign_id=7"
    )
    assert missing.status_code == 404 and missing.json()["error"] == "NOT FOUND"


def test_more_simultaneous_requests_than_allowed_get_403(simulator: StartSimulator) -> None:
    sim = simulator(SEED, "--latency-ms", "700", "--max-concurrent", "2")
    barrier = threading.Barrier(3)

    def one() -> httpx.Response:
        barrier.wait()
        return sim.request("GET", LIST)

    with ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(lambda _: one(), range(3)))
    assert sorted(a.status_code for a in answers) == [200, 200, 403]
    refused = next(a for a in answers if a.status_code == 403)
    assert refused.json() == {
        "code": 403,
        "error": "FORBIDDEN",
        "msg": "EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN (2)",
    }
    # once they are answered, the slots are free again
    assert sim.request("GET", LIST).status_code == 200


def test_one_request_at_a_time_is_always_admitted(simulator: StartSimulator) -> None:
    sim = simulator(SEED, "--latency-ms", "50", "--max-concurrent", "1")
    assert [sim.request("GET", LIST).status_code for _ in range(5)] == [200] * 5


def test_the_daily_quota_is_per_token(simulator: StartSimulator) -> None:
    sim = simulator(SEED, "--daily-quota", "3", "--token", "a", "--token", "b")
    assert [sim.request("GET", LIST).status_code for _ in range(3)] == [200] * 3
    spent = sim.request("GET", LIST)
    assert spent.status_code == 403
    assert spent.json() == {"code": 403, "error": "FORBIDDEN", "msg": "TOKEN LIMIT EXCEEDED"}
    assert create(sim).status_code == 403  # refused: nothing created
    assert sim.request("GET", LIST, token="b").json()["msg"] == "2 records were found"


def test_latency_delays_every_answer(simulator: StartSimulator) -> None:
    sim = simulator(SEED, "--latency-ms", "300")
    began = time.monotonic()
    sim.request("GET", LIST)
    httpx.get(sim.url + LIST)  # even a refusal
    assert time.monotonic() - began >= 0.6


def test_latency_counts_from_the_request_line_and_the_answer_leaves_whole(
    simulator: StartSimulator,
) -> None:
    """Slow headers are inside the latency, not added to it; and the answer leaves in one
    piece when due (a client is not charged for the simulator's second write)."""
    sim = simulator(SEED, "--latency-ms", "400")
    host, port = sim.url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        began = time.monotonic()
        conn.sendall(f"GET {LIST} HTTP/1.1\r\n".encode())
        time.sleep(0.25)
        conn.sendall(b"Host: x\r\nwolkvox-token: simulator-token\r\n\r\n")
        first = conn.recv(1 << 20)
        took = time.monotonic() - began
    assert 0.4 <= took < 0.6  # not 0.25 + 0.4
    head, _, body = first.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    length = int(next(h for h in head.split(b"\r\n") if h.startswith(b"Content-Length"))[15:])
    assert len(body) == length and json.loads(body)["code"] == 200


def test_faults_replay_with_the_same_random_seed(simulator: StartSimulator) -> None:
    def run(seed: str) -> list[int | str]:
        sim = simulator(SEED, "--fail-rate", "0.5", "--random-seed", seed)
        outcomes = [outcome(lambda: sim.request("GET", LIST)) for _ in range(40)]
        sim.stop()
        return outcomes

    first = run("42")
    assert set(first) == {200, 500, 503, "dropped"}
    assert run("42") == first
    assert run("43") != first


def test_failures_before_the_change_change_nothing(
    simulator: StartSimulator, tmp_path: Path
) -> None:
    state = str(tmp_path / "state.sqlite")
    failing = simulator(None, "--state", state, "--fail-rate", "1")
    outcomes = {outcome(lambda: create(failing)) for _ in range(15)}
    assert outcomes == {500, 503, "dropped"}
    assert failing.stop() == 0
    healthy = simulator(None, "--state", state)
    assert healthy.campaigns() == []


def test_drop_after_commit_makes_the_change_without_answering(simulator: StartSimulator) -> None:
    sim = simulator(SEED, "--drop-after-commit-rate", "1")
    with pytest.raises(httpx.RemoteProtocolError):
        create(sim, "Ghost")
    with pytest.raises(httpx.RemoteProtocolError):
        sim.request("PUT", "/api/v2/campaign.php?api=start&type_campaign=preview&campaign_id=1002")
    rows = sim.campaigns()  # reading changes nothing, so it is answered
    assert [r["campaign_name"] for r in rows] == ["Renewals", "Winback", "Ghost"]
    assert rows[1]["status"] == "Started"
    # an error commits nothing, so it is answered too
    assert create(sim, "").status_code == 400


def test_state_survives_a_restart(simulator: StartSimulator, tmp_path: Path) -> None:
    state = str(tmp_path / "state.sqlite")
    sim = simulator(SEED, "--state", state)
    new_id = create(sim, "Kept").json()["data"][0]["id_campaign"]
    sim.request("PUT", f"/api/v2/campaign.php?api=start&type_campaign=preview&campaign_id={new_id}")
    before = sim.campaigns()
    url = sim.url
    sim.restart()
    assert sim.url == url
    assert sim.campaigns() == before  # the seed is not applied over a used state
    again = create(sim, "Next").json()["data"][0]["id_campaign"]
    assert int(again) > int(new_id)


def test_a_killed_simulator_keeps_every_answered_change(
    simulator: StartSimulator, tmp_path: Path
) -> None:
    state = str(tmp_path / "state.sqlite")
    sim = simulator(SEED, "--state", state, process=True)
    assert create(sim, "Answered").status_code == 201
    assert sim.proc is not None
    os.kill(sim.proc.pid, signal.SIGKILL)
    sim.stop()
    after = simulator(None, "--state", state)
    assert [r["campaign_name"] for r in after.campaigns()] == ["Renewals", "Winback", "Answered"]


def test_a_client_that_hangs_up_is_no_traceback(simulator: StartSimulator) -> None:
    # the client gives up before the answer is written: the simulator's write then meets
    # a closed connection, which is the client's doing, not a bug to print a traceback for
    sim = simulator(SEED, "--latency-ms", "300", process=True)
    for _ in range(3):
        with pytest.raises(httpx.TimeoutException):
            httpx.get(sim.url + LIST, headers={"wolkvox-token": sim.token}, timeout=0.05)
    time.sleep(0.6)  # past the latency: every answer has been written to a closed socket
    assert sim.campaigns()  # still serving
    assert sim.stop() == 0
    log = sim.stderr_path.read_text()
    assert "Traceback" not in log and "Exception occurred" not in log, log


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_stops_cleanly_on_sigterm_and_ctrl_c(simulator: StartSimulator, sig: int) -> None:
    sim = simulator(SEED, process=True)
    assert sim.proc is not None
    proc = sim.proc
    proc.send_signal(sig)
    assert proc.wait(timeout=10) == 0
    sim.stop()
    assert "Traceback" not in sim.stderr_path.read_text()


def test_the_simulator_imports_nothing_of_the_reconciler_but_the_vocabulary() -> None:
    package = Path(reconciler.simulator.__file__).parent
    modules = sorted(package.glob("*.py"))
    assert len(modules) >= 5
    for module in modules:
        for node in ast.walk(ast.parse(module.read_text(), str(module))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level == 1:  # within reconciler.simulator
                    continue
                if node.level > 1:
                    names = [f"reconciler.{node.module or '*'}"]
                else:
                    names = [node.module or ""]
            else:
                continue
            for name in names:
                if name == "reconciler" or name.startswith("reconciler."):
                    assert name == "reconciler.vocabulary", f"{module.name} imports {name}"


def test_the_vendors_sample_create_body_is_accepted(simulator: StartSimulator) -> None:
    # the create page's sample, word for word, with only the name filled in
    sample = {
        "campaign_name": "From the docs",
        "campaign_description": "",
        "start_time": "",
        "end_time": "",
        "skill_id": "",
        **{f"opt{n}": "" for n in range(1, 13)},
        "enable_edition": "",
    }
    sim = simulator(None)
    answer = sim.request(
        "POST", "/api/v2/campaign.php?api=create_campaign&type_campaign=predictive", json=sample
    )
    assert answer.status_code == 201
    assert sim.campaigns()[0]["campaign_name"] == "From the docs"


def raw_exchange(sim: Simulator, request: bytes) -> bytes:
    host, port = sim.url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(request)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_malformed_requests_get_json_errors_not_html(simulator: StartSimulator) -> None:
    sim = simulator(None)
    # an unparseable request line is answered the HTTP/0.9 way, body only: JSON still
    garbage = raw_exchange(sim, b"NONSENSE\r\n\r\n")
    assert json.loads(garbage)["error"] == "BAD REQUEST"
    too_long = raw_exchange(sim, b"GET /" + b"x" * 70000 + b" HTTP/1.1\r\n\r\n")
    assert too_long.startswith(b"HTTP/1.1 400")
    assert json.loads(too_long.split(b"\r\n\r\n", 1)[1])["code"] == 400
    bad_length = raw_exchange(
        sim,
        b"POST /api/v2/campaign.php?api=create_campaign&type_campaign=preview HTTP/1.1\r\n"
        b"Host: x\r\nwolkvox-token: simulator-token\r\nContent-Length: nope\r\n\r\n",
    )
    assert bad_length.startswith(b"HTTP/1.1 400") and b"Content-Length" in bad_length
    chunked = sim.request(
        "POST",
        "/api/v2/campaign.php?api=create_campaign&type_campaign=preview",
        content=iter([b'{"campaign_name": "x"}']),
    )
    assert chunked.status_code == 400 and "CHUNKED" in chunked.json()["msg"]
    assert sim.campaigns() == []


def test_listens_on_ipv6_too(simulator: StartSimulator) -> None:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        pytest.skip("no IPv6 loopback here")
    sim = simulator(None, "--host", "::1")
    assert sim.url.startswith("http://[::1]:")
    assert sim.campaigns() == []


def test_string_codes_mimic_the_vendors_string_code_answers(simulator: StartSimulator) -> None:
    sim = simulator(SEED, "--string-codes")
    assert sim.request("GET", LIST).json()["code"] == "200"
    assert create(sim).json()["code"] == "201"
    assert sim.request("GET", LIST, token="wrong").json()["code"] == "403"
