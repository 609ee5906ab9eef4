"""A call's deadline, kept from outside the call.

Every read of an answer gets only the time left, but an answer whose headers drip a byte
at a time makes each read return in time: only a clock outside the reads can bound their
sum. `Watchdog` is that clock: one thread per session that, when a call outlives its
deadline, shuts down the socket under the call's `Lane`, so the call's blocked read ends
at once. The call itself runs in the caller's thread, with no hand-off to another thread
and back (which cost every call two thread wake-ups).

A `Lane` is one of the session's `max_in_flight` ways to the vendor: an httpx client of
its own, whose one connection's socket it learns from httpcore's `trace` extension when
the connection is made.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

__all__ = ["Lane", "Watchdog"]


class Lane:
    """One connection's worth of client, and the socket under it (None until connected,
    and for a transport without sockets, such as a test's mock)."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client
        self.socket: socket.socket | None = None
        self.cut = False  # the watchdog cut the call in flight off

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's `trace` extension: remember the socket of each new connection."""
        if event == "connection.connect_tcp.complete":
            stream = info.get("return_value")
            found = stream.get_extra_info("socket") if stream is not None else None
            self.socket = found if isinstance(found, socket.socket) else None

    def cut_off(self) -> None:
        """End the call in flight: its blocked read returns, and it fails."""
        self.cut = True
        if self.socket is not None:
            with contextlib.suppress(OSError):  # closed already: nothing to end
                self.socket.shutdown(socket.SHUT_RDWR)


class Watchdog:
    """Runs `cut_off` of each armed call whose deadline passes before it is disarmed."""

    def __init__(self) -> None:
        self._armed: dict[int, tuple[float, Callable[[], None]]] = {}
        self._next = 0
        self._lock = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False

    def arm(self, deadline: float, cut_off: Callable[[], None]) -> int:
        with self._lock:
            self._next += 1
            if all(deadline < due for due, _ in self._armed.values()):
                self._lock.notify()  # sooner than it sleeps until (or it sleeps for good)
            self._armed[self._next] = (deadline, cut_off)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._watch, name="wolkvox-deadline", daemon=True
                )
                self._thread.start()
            return self._next

    def disarm(self, token: int) -> None:
        """The call ended: it is not cut off after this returns."""
        with self._lock:
            self._armed.pop(token, None)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._lock.notify()

    def _watch(self) -> None:
        with self._lock:
            while not self._closed:
                now = time.monotonic()
                for token, (deadline, cut_off) in list(self._armed.items()):
                    if deadline <= now:
                        del self._armed[token]
                        cut_off()  # under the lock: a call disarmed already is never cut
                if not self._armed:
                    self._lock.wait()  # until something is armed, or the watchdog closed
                    continue
                self._lock.wait(max(0.0, min(d for d, _ in self._armed.values()) - now))
