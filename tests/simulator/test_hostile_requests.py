"""Whatever a client sends, the simulator answers it (or drops it) without a traceback:
a malformed request line, a TLS hello, a body of thousands of digits, a Content-Length of
10^14 (refused unread, never allocated)."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Callable

import pytest

from tests.helpers import Simulator

TLS_HELLO = bytes.fromhex("160301020001") + bytes(range(256)) * 2


def raw(sim: Simulator, data: bytes) -> bytes:
    host, port = sim.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(data)
        conn.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GARBAGE\r\n\r\n", b"400"),
        (b"GET /\x00\xff HTTP/9.9\r\n\r\n", b"400"),
        (TLS_HELLO, b"400"),
        (b"PUT /api/v2/campaign.php?api=edit_campaign HTTP/1.1\r\nwolkvox-token: simulator-token"
         b"\r\nContent-Length: 100000000000000\r\n\r\n", b"400"),
        (b"PUT /api/v2/campaign.php?api=edit_campaign HTTP/1.1\r\nwolkvox-token: simulator-token"
         b"\r\nContent-Length: 20000000\r\n\r\n", b"413"),
        (b"PUT /api/v2/campaign.php?api=edit_campaign HTTP/1.1\r\nwolkvox-token: simulator-token"
         b"\r\nContent-Length: 9" + b"9" * 40 + b"\r\n\r\n", b"400"),
    ],
    ids=["request-line", "binary-path", "tls-hello", "huge-length", "too-large", "absurd-length"],
)  # fmt: skip
def test_odd_requests_get_an_answer_and_no_traceback(
    simulator: Callable[..., Simulator],
    caplog: pytest.LogCaptureFixture,
    request_bytes: bytes,
    status: bytes,
) -> None:
    sim = simulator()
    with caplog.at_level(logging.INFO, logger="reconciler.simulator"):
        answer = raw(sim, request_bytes)
    # a request line http.server cannot read is answered HTTP/0.9-style: the body alone
    body = answer.split(b"\r\n\r\n", 1)[-1]
    assert json.loads(body)["code"] == int(status), answer[:200]
    assert "Traceback" not in caplog.text and not [
        r for r in caplog.records if r.levelno >= logging.WARNING
    ]


def test_a_body_of_thousands_of_digits_is_a_400_not_a_500(
    simulator: Callable[..., Simulator],
) -> None:
    sim = simulator({"campaigns": [{"campaign_id": "5", "campaign_name": "a",
                                    "type_campaign": "preview", "status": "Stopped",
                                    "records": 0}]})  # fmt: skip
    answer = sim.request(
        "PUT",
        "/api/v2/campaign.php?api=edit_campaign",
        content=b'{"campaign_id": 5, "speed": ' + b"9" * 5000 + b"}",
    )
    assert answer.status_code == 400
