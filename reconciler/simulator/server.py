"""The HTTP side of the simulator: a real server on a real socket (stdlib only).

Per request, in this order: a known path → the `wolkvox-token` header (401 missing,
403 unknown) → the token's daily quota and simultaneous-request limit (403) → the
fault draw → the fault, if one was drawn (nothing changed yet) → the endpoint → the
answer, or the drop-after-commit fault if drawn and the request changed state, sent
`--latency-ms` after the request arrived (the simulator's own work included).
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from .api import CAMPAIGN_PATH, INFORMATION_PATH, MESSAGES, Api, ApiOptions, Reply, error_reply
from .faults import Fault, Faults
from .limits import Admission, TokenGate
from .store import Store

__all__ = ["DEFAULT_TOKEN", "SimulatorConfig", "SimulatorServer", "serve"]

#: accepted when no --token is given; printed at start-up (it guards nothing real)
DEFAULT_TOKEN = "simulator-token"

log = logging.getLogger("reconciler.simulator")


@dataclass(frozen=True)
class SimulatorConfig:
    tokens: frozenset[str] = frozenset({DEFAULT_TOKEN})
    latency_ms: int = 0
    fail_rate: float = 0.0
    drop_after_commit_rate: float = 0.0
    max_concurrent: int = 2
    daily_quota: int | None = None
    random_seed: int | None = None
    #: send `code` as a string ("202"), as some vendor answers do, to test clients' tolerance
    string_codes: bool = False
    #: seconds after its create before a new campaign shows in the list (real lists lag)
    list_lag: float = 0.0
    #: list rows carry `skill_id`, as the collection's sample does (the page's does not)
    list_skill_id: bool = True
    #: token_info's limit when there is no daily_quota: licenses × 1000, as the vendor counts
    licenses: int = 5
    #: what the vendor is known to do beyond its pages (VENDOR_FAULTS), switched on
    vendor_faults: frozenset[str] = frozenset()

    @property
    def token_limit(self) -> int:
        return self.daily_quota if self.daily_quota is not None else self.licenses * 1000


#: the vendor's behaviours beyond its pages that `--vendor-fault` switches on
VENDOR_FAULTS = {
    "maintenance": "every call answered 403 'Server backup in progress', as during maintenance",
    "unregistered-ip": "every connection dropped without an answer, as for an unknown IP",
    "record-cap": "create_campaign answered 404 with words about licences, as at the cap",
    "postman-codes": "`code` a string on edit_campaign and delete_campaign, a number elsewhere",
}
MAINTENANCE = "Server backup in progress. Please try again in a few minutes"
RECORD_CAP = "THE OPERATION HAS NO LICENSES AVAILABLE FOR MORE RECORDS"
#: how long before an answer is due `--latency-ms`'s sleep ends (then it yields until due)
_WAKE_EARLY = 0.0005
#: the largest request body the simulator reads (the vendor uploads 10,000 records at most)
MAX_BODY = 8 * 2**20


class SimulatorServer(ThreadingHTTPServer):
    daemon_threads = True  # an idle keep-alive connection must not hold up shutdown
    allow_reuse_address = True  # a restart may bind the same port again at once

    def __init__(self, host: str, port: int, config: SimulatorConfig, store: Store) -> None:
        self.config = config
        self.store = store
        self.stopping = False  # set on SIGTERM / Ctrl-C: the store may close under a request
        self.gate = TokenGate(max_concurrent=config.max_concurrent, daily_quota=config.daily_quota)
        options = ApiOptions(
            list_lag=config.list_lag,
            list_skill_id=config.list_skill_id,
            token_limit=config.token_limit,
        )
        self.api = Api(store, options, usage=self.gate.usage)
        self.faults = Faults(
            fail_rate=config.fail_rate,
            drop_after_commit_rate=config.drop_after_commit_rate,
            seed=config.random_seed,
        )
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = str(host)
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hung up (its timeout, a kill) is a line at -v, not a traceback;
        anything else is the simulator's own bug, logged whole as a warning."""
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            log.info("%s: the client went away (%s)", client_address, type(error).__name__)
        else:
            log.warning("internal error answering %s", client_address, exc_info=True)

    def stop_in_background(self) -> None:
        """Safe from a signal handler: `shutdown()` would deadlock on the serving thread."""
        self.stopping = True
        threading.Thread(target=self.shutdown, daemon=True).start()


class _Handler(BaseHTTPRequestHandler):
    server: SimulatorServer
    protocol_version = "HTTP/1.1"  # keep-alive, as httpx and curl expect
    timeout = 30  # seconds an idle keep-alive connection is kept open
    # headers and body go out in two writes: with Nagle on, a delayed ACK adds ~40 ms
    disable_nagle_algorithm = True

    def parse_request(self) -> bool:
        # the request line has just arrived: `--latency-ms` counts from here, so the
        # simulator's parsing of the headers is inside the latency, not added to it
        self._arrived = time.monotonic()
        return super().parse_request()

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_GET

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def _serve(self, *, head: bool = False) -> None:
        started = getattr(self, "_arrived", None) or time.monotonic()
        body = self._read_body()
        if body is None:
            return
        if "unregistered-ip" in self.server.config.vendor_faults:
            self._drop("unregistered IP (--vendor-fault)")
            return
        url = urlsplit(self.path)
        token = self.headers.get("wolkvox-token", "").strip()
        config = self.server.config
        if url.path not in (INFORMATION_PATH, CAMPAIGN_PATH):
            reply = error_reply(404, MESSAGES["no_api"])
        elif not token:
            reply = error_reply(401, MESSAGES["no_token"])
        elif token not in config.tokens:
            reply = error_reply(403, MESSAGES["bad_token"])
        else:
            admission = self.server.gate.enter(token)
            if admission is Admission.ADMITTED:
                self._slot: str | None = token
                try:
                    self._admitted(token, url.path, url.query, body, head, started)
                finally:
                    self._release()
                return
            if admission is Admission.QUOTA_EXCEEDED:
                reply = error_reply(403, MESSAGES["quota"])
            else:
                reply = error_reply(
                    403, MESSAGES["concurrency"].format(limit=config.max_concurrent)
                )
        self._send(reply, head, started)

    def _admitted(
        self, token: str, path: str, query: str, body: bytes, head: bool, started: float
    ) -> None:
        plan = self.server.faults.draw()
        vendor = self.server.config.vendor_faults
        api = parse_qs(query).get("api", [""])[0]
        if "maintenance" in vendor or ("record-cap" in vendor and api == "create_campaign"):
            status, words = (403, MAINTENANCE) if "maintenance" in vendor else (404, RECORD_CAP)
            self._send(error_reply(status, words), head, started)
            return
        if plan.before is Fault.DROP:
            self._delay(started)
            self._drop("fault before handling")
            return
        if plan.before in (Fault.HTTP_500, Fault.HTTP_503):
            status = int(plan.before.value)
            self._send(error_reply(status, "SIMULATED FAILURE, NOTHING CHANGED"), head, started)
            return
        try:
            reply = self.server.api.handle(
                self.command, path, parse_qs(query, keep_blank_values=True), body, token=token
            )
        except Exception:  # a bug of ours: answer like a server would, and say why on stderr
            if self.server.stopping:  # the store closed under us: lost, as on a dying server
                self._drop("stopping")
                return
            log.exception("internal error handling %s %s", self.command, path)
            reply = error_reply(500, "INTERNAL SIMULATOR ERROR")
        if reply.committed and plan.drop_after_commit:
            self._delay(started)
            self._drop("fault after commit")
            return
        self._send(reply, head, started)

    def _delay(self, started: float) -> None:
        """`--latency-ms`: the answer leaves that long after the request arrived, the
        simulator's own work included (it is not added on top)."""
        if self.server.config.latency_ms:
            due = started + self.server.config.latency_ms / 1000
            # a sleep wakes a little late (a tenth of a millisecond or more); the rest of
            # the wait is spent yielding, so the answer leaves on time, not after
            if due - time.monotonic() > _WAKE_EARLY:
                time.sleep(due - time.monotonic() - _WAKE_EARLY)
            while time.monotonic() < due:
                time.sleep(0)

    def _read_body(self) -> bytes | None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True
            self._send(
                error_reply(400, "CHUNKED BODIES ARE NOT SUPPORTED"), False, time.monotonic()
            )
            return None
        text = (self.headers.get("Content-Length") or "0").strip()
        length = int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else -1
        if length < 0:
            self.close_connection = True
            self._send(error_reply(400, "INVALID Content-Length"), False, time.monotonic())
            return None
        if length > MAX_BODY:  # refused unread: never allocate what a header claims
            self.close_connection = True
            self._send(error_reply(413, "REQUEST BODY TOO LARGE"), False, time.monotonic())
            return None
        return self.rfile.read(length) if length else b""

    def _send(self, reply: Reply, head: bool, started: float) -> None:
        body = reply.body
        api = parse_qs(urlsplit(getattr(self, "path", "") or "").query).get("api", [""])[0]
        postman = "postman-codes" in self.server.config.vendor_faults
        if self.server.config.string_codes or (
            postman and api in ("edit_campaign", "delete_campaign")
        ):
            body = {**body, "code": str(body["code"])}
        payload = json.dumps(body).encode()
        reason = self.responses.get(reply.status, ("",))[0]
        lines = [
            f"{self.protocol_version} {reply.status} {reason}",
            f"Server: {self.version_string()}",
            f"Date: {self.date_time_string()}",
            "Content-Type: application/json; charset=utf-8",
            f"Content-Length: {len(payload)}",
            *(f"{name}: {value}" for name, value in reply.headers),
        ]
        if self.close_connection:
            lines.append("Connection: close")
        headers = "\r\n".join(lines).encode("latin-1") + b"\r\n\r\n"
        if getattr(self, "request_version", "") == "HTTP/0.9":
            headers = b""  # an unparseable request line is answered the HTTP/0.9 way
        answer = headers + (b"" if head else payload)
        # the answer is made, then held, then sent in one write: it leaves `--latency-ms`
        # after the request arrived, whole
        self._delay(started)
        self.wfile.write(answer)
        # written: the slot is free (a client that sends its next request at once must
        # not find it still held by this thread, which has yet to return)
        self._release()
        log.info(
            "%s %s → %d (%.1f ms)",
            getattr(self, "command", None) or "-",
            getattr(self, "path", None) or "-",
            reply.status,
            (time.monotonic() - started) * 1000,
        )

    def _release(self) -> None:
        """Give the token's slot back (once): when the answer is written, or the
        connection dropped."""
        token, self._slot = getattr(self, "_slot", None), None
        if token is not None:
            self.server.gate.leave(token)

    def _drop(self, why: str) -> None:
        """Close the connection without a byte of answer, as a network failure would. The
        slot is given back first: the client sees the drop at once and may well send its
        next request before this thread has returned."""
        log.info(
            "%s %s → dropped (%s)",
            getattr(self, "command", None) or "-",
            getattr(self, "path", None) or "-",
            why,
        )
        self._release()
        self.close_connection = True
        with contextlib.suppress(OSError):  # the client may have gone already
            self.connection.shutdown(socket.SHUT_RDWR)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # http.server's own errors (malformed request line, unsupported method) as JSON too
        status = 405 if code == 501 else code if code in (400, 404, 405, 413, 500, 503) else 400
        self.close_connection = True
        self._send(error_reply(status, (message or "BAD REQUEST").upper()), False, time.monotonic())

    def log_message(self, format: str, *args: object) -> None:
        # The default writes every request line to stderr; ours goes through `log` (-v).
        pass

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def serve(server: SimulatorServer, on_stop: Callable[[], None] | None = None) -> None:
    """Serve until `server.shutdown()` (e.g. from a signal handler), then close."""
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        if on_stop:
            on_stop()
        sys.stdout.flush()
