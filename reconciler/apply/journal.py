"""An append-only JSON-lines record of what apply attempted and what came of it.

Each entry is written with one `write` on an O_APPEND descriptor and fsynced before the
call returns, so an apply killed at any instant (kill -9 included) leaves every entry it
wrote intact, and the entry for an attempt is on disk before the API call is made. A line
cut short by a crash mid-write is skipped by `read_journal`.
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
                os.write(self._fd, line.encode())
                if durable:
                    os.fsync(self._fd)
            except OSError as exc:
                # an apply that cannot keep its record must not go on changing things
                raise ApplyError(
                    f"cannot write the journal {self.path}: {exc.strerror or exc}"
                ) from None

    def close(self) -> None:
        with self._lock:
            if self._fd is not None:
                with contextlib.suppress(OSError):
                    os.fsync(self._fd)
                os.close(self._fd)
                self._fd = None

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
