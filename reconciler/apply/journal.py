"""An append-only JSON-lines record of what apply attempted and what came of it.

Each entry is written with one `write` on an O_APPEND descriptor before `record` returns,
so an apply killed at any instant (kill -9 included) leaves every entry it wrote intact:
the entry for an attempt is written before the API call is made. How soon it is fsynced
(what a power cut cannot take) is the caller's choice: `durable` entries before `record`
returns; after `sync_soon`, by a helper thread while the call is in flight (group commit);
others with the next of those, or at `close`. A line cut short by a crash mid-write is
skipped by `read_journal`.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import ApplyError
from ..secret import redact_all

__all__ = ["Journal", "new_run_id", "read_journal"]


def new_run_id() -> str:
    return uuid.uuid4().hex[:12]


class Journal:
    """`journal.record("attempt", campaign=…, action=…)`: one fsynced line per call."""

    def __init__(self, path: str | Path, run_id: str | None = None) -> None:
        self.path = Path(path)
        self.run_id = run_id or new_run_id()
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        except OSError as exc:
            raise ApplyError(
                f"cannot open the journal {self.path}: {exc.strerror or exc}"
            ) from None
        self._fd: int | None = fd
        self._wanted = threading.Event()  # `sync_soon` asked the helper for an fsync
        self._helper: threading.Thread | None = None
        self._failed: OSError | None = None  # what the helper's fsync met, raised next

    def record(self, event: str, *, durable: bool = True, **fields: Any) -> None:
        """Append one line. `durable=False` skips its fsync: the next durable line (the next
        `attempt`, or `run-end`) makes it durable too, before anything else is sent."""
        entry = {
            "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
            "run": self.run_id,
            "event": event,
            **fields,
        }
        # redact_all: error messages come from the API; a token must never reach the disk
        line = redact_all(json.dumps(entry, sort_keys=False)) + "\n"
        with self._lock:
            if self._fd is None:
                raise ValueError("journal is closed")
            try:
                if self._failed is not None:
                    raise self._failed
                os.write(self._fd, line.encode())
                if durable:
                    os.fsync(self._fd)
            except OSError as exc:
                # an apply that cannot keep its record must not go on changing things
                raise ApplyError(
                    f"cannot write the journal {self.path}: {exc.strerror or exc}"
                ) from None

    def sync_soon(self) -> None:
        """fsync what is written, on a helper thread, without waiting for it: while the
        call just recorded is in flight. The next durable entry or `close` covers it too."""
        if self._helper is None:
            self._helper = threading.Thread(
                target=self._sync_when_asked, name="wolkvox-journal", daemon=True
            )
            self._helper.start()
        self._wanted.set()

    def _sync_when_asked(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            with self._lock:  # held: `close` must not close the descriptor mid-fsync
                if self._fd is None:
                    return
                try:
                    os.fsync(self._fd)
                except OSError as exc:
                    self._failed = exc

    def close(self) -> None:
        with self._lock:
            if self._fd is not None:
                with contextlib.suppress(OSError):
                    os.fsync(self._fd)
                os.close(self._fd)
                self._fd = None
        self._wanted.set()  # the helper, if any, sees the journal closed and ends

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_journal(path: str | Path) -> list[dict[str, Any]]:
    """Every complete entry, oldest first (a torn last line is ignored)."""
    entries = []
    try:
        text = Path(path).read_text()
    except FileNotFoundError:
        return []
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict):
            entries.append(entry)
    return entries
