"""Every HTTP call has a total deadline — connect, send, the headers and the whole body —
not a timeout per read: a server that drips its answer a byte at a time is cut off at
`--timeout`, on every endpoint the client calls, and through the CLI."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from reconciler.client import WolkvoxClient
from reconciler.errors import OutcomeUnknown, TransientError
from reconciler.secret import Secret
from reconciler.vocabulary import CampaignType
from tests.helpers import run_cli

BODY_DRIP = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"
HEADER_DRIP = b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 10_000


@pytest.fixture
def dripping() -> Iterator[Callable[[bytes], str]]:
    """`start(prefix)`: a server on 127.0.0.1 that answers every request by sending `prefix`
    one byte every 0.1 s (never finishing); returns its base URL."""
    servers: list[socket.socket] = []
    stop = threading.Event()

    def start(prefix: bytes) -> str:
        server = socket.create_server(("127.0.0.1", 0))
        servers.append(server)

        def drip(conn: socket.socket) -> None:
            with conn:
                conn.recv(65536)
                for byte in prefix:
                    if stop.wait(0.1):
                        return
                    try:
                        conn.sendall(bytes([byte]))
                    except OSError:
                        return

        def serve() -> None:
            while not stop.is_set():
                try:
                    conn, _ = server.accept()
                except OSError:
                    return
                threading.Thread(target=drip, args=(conn,), daemon=True).start()

        threading.Thread(target=serve, daemon=True).start()
        return f"http://127.0.0.1:{server.getsockname()[1]}"

    yield start
    stop.set()
    for server in servers:
        server.close()


CALLS: dict[str, Callable[[WolkvoxClient], object]] = {
    "list": lambda c: c.list_campaigns(),
    "create": lambda c: c.create_campaign(
        CampaignType.PREVIEW, {"campaign_name": "x"}, campaign="x"
    ),
    "start": lambda c: c.start(CampaignType.PREVIEW, "1"),
    "stop": lambda c: c.stop(CampaignType.PREVIEW, "1"),
    "clear": lambda c: c.clear(CampaignType.PREVIEW, "1"),
    "delete": lambda c: c.delete_campaign(CampaignType.PREVIEW, "1"),
    "token_info": lambda c: c.token_info(),
}


@pytest.mark.parametrize(
    ("call", "prefix"),
    [(call, BODY_DRIP) for call in CALLS] + [("list", HEADER_DRIP), ("create", HEADER_DRIP)],
    ids=[f"{call}-body" for call in CALLS] + ["list-headers", "create-headers"],
)
def test_a_dripping_answer_ends_at_the_deadline(
    dripping: Callable[[bytes], str], call: str, prefix: bytes
) -> None:
    client = WolkvoxClient(dripping(prefix), Secret("drip-token-1234"), timeout=0.5, retries=0)
    started = time.monotonic()
    with client, pytest.raises(Exception) as caught:
        CALLS[call](client)
    assert time.monotonic() - started < 2.0
    # a create whose answer never came may have been made: its outcome is unknown
    expected = OutcomeUnknown if call == "create" else TransientError
    assert isinstance(caught.value, expected), caught.value


def test_plan_against_a_dripping_server_ends_in_about_its_timeout(
    dripping: Callable[[bytes], str], tmp_path: pytest.TempPathFactory
) -> None:
    manifest = tmp_path / "m.yaml"  # type: ignore[operator]
    manifest.write_text("version: 1\ncampaigns: []\n")
    url = dripping(BODY_DRIP)
    started = time.monotonic()
    result = run_cli(
        "plan", str(manifest), "--timeout", "0.5",
        env={"WOLKVOX_TOKEN": "drip-token-1234", "WOLKVOX_ENDPOINT": url,
             "WOLKVOX_RETRY_BACKOFF": "0.01,0.01"},
    )  # fmt: skip
    elapsed = time.monotonic() - started
    assert result.returncode == 1, result.stderr
    assert "campaigns" in result.stderr and "Traceback" not in result.stderr
    assert elapsed < 5 * 0.5 + 3  # five attempts of at most half a second each, no more


def test_the_watchdog_cuts_off_what_outlives_its_deadline_and_nothing_disarmed() -> None:
    from reconciler.client.deadline import Watchdog

    watchdog = Watchdog()
    cut: list[str] = []
    try:
        late = watchdog.arm(time.monotonic() + 0.05, lambda: cut.append("late"))
        done = watchdog.arm(time.monotonic() + 0.05, lambda: cut.append("done"))
        watchdog.disarm(done)  # ended in time
        time.sleep(0.3)
        assert cut == ["late"]
        watchdog.disarm(late)  # disarming what was cut off already is harmless
    finally:
        watchdog.close()


def test_a_cut_off_lane_shuts_its_socket_down_and_says_so() -> None:
    import httpx

    from reconciler.client.deadline import Lane

    ours, theirs = socket.socketpair()
    with ours, theirs, httpx.Client() as client:
        lane = Lane(client)
        stream = type("Stream", (), {"get_extra_info": lambda self, key: ours})()
        lane.trace("connection.connect_tcp.complete", {"return_value": stream})
        lane.cut_off()
        assert lane.cut and theirs.recv(1) == b""  # the other end sees the connection end
        lane.cut_off()  # again, on a socket shut already: harmless
