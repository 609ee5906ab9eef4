"""One apply per operation at a time: an exclusive `fcntl.flock` on a lock file.

The kernel releases a flock when its holder dies, however it dies (kill -9 included), so a
lock left by a dead process is simply free: the next apply takes it and overwrites the
holder info. The file is never deleted (deleting a flocked file lets two processes each
lock a different inode). It is keyed by the operation's identity, a one-way fingerprint of
the token (what the vendor counts its limits on), not by the URL spelling, the working
directory or the state dir; it lives in a per-user directory (`default_lock_dir`) and holds
who has it (pid, host, since): never the token.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType

from ..errors import ApplyError, LockHeld
from ..secret import Secret

__all__ = ["LockInfo", "OperationLock", "default_lock_dir", "lock_key"]

#: how often a waiting apply tries the lock again
_POLL = 0.2


def lock_key(token: Secret) -> str:
    """A file-name-safe key for one operation: the same token → the same key, however the
    endpoint is spelled (`localhost` / `127.0.0.1`) and wherever the manifests are."""
    raw = f"wolkvox-reconciler lock|{token.fingerprint()}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def default_lock_dir(environ: Mapping[str, str] | None = None) -> Path:
    """`$WOLKVOX_LOCK_DIR`, else `$XDG_STATE_HOME/wolkvox-reconciler/locks`, else
    `~/.local/state/wolkvox-reconciler/locks`: one per user, whatever the checkout."""
    env = os.environ if environ is None else environ
    if env.get("WOLKVOX_LOCK_DIR"):
        return Path(env["WOLKVOX_LOCK_DIR"])
    state = env.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "wolkvox-reconciler" / "locks"


@dataclass(frozen=True)
class LockInfo:
    """Who holds (or last held) a lock, as written in the lock file."""

    pid: int
    host: str
    since: str
    operation: str

    def describe(self) -> str:
        return f"pid {self.pid} on host {self.host}, since {self.since}"


class OperationLock:
    """`with OperationLock(state_dir, key, operation=url).acquire(timeout=0):` …"""

    def __init__(self, lock_dir: str | Path, key: str, *, operation: str = "") -> None:
        self.path = Path(lock_dir) / f"apply-{key}.lock"
        self.operation = operation
        self._fd: int | None = None
        #: set by acquire() when the previous holder died without releasing
        self.took_over: LockInfo | None = None

    def acquire(
        self,
        timeout: float = 0.0,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> OperationLock:
        """Take the lock, waiting up to `timeout` seconds; `LockHeld` names the holder."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise ApplyError(
                f"cannot open the lock file {self.path}: {exc.strerror or exc} "
                "(set WOLKVOX_LOCK_DIR to put it elsewhere)"
            ) from None
        deadline = clock() + max(timeout, 0.0)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if clock() >= deadline:
                    holder = _read_info(fd)
                    os.close(fd)
                    who = holder.describe() if holder else "another process"
                    waited = f" (waited {timeout:g}s)" if timeout > 0 else ""
                    hint = (
                        "use a longer --lock-timeout to wait longer"
                        if timeout > 0
                        else "use --lock-timeout to wait for it"
                    )
                    raise LockHeld(
                        f"another apply of this operation is running{waited}: {who}; lock "
                        f"file {self.path} ({hint})",
                        holder=holder.describe() if holder else "",
                    ) from None
                sleep(_POLL)
        previous = _read_info(fd)
        if previous is not None:
            # We hold the flock, so whoever wrote this info is gone without releasing it.
            self.took_over = previous
        info = LockInfo(
            pid=os.getpid(),
            host=socket.gethostname(),
            since=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            operation=self.operation,
        )
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(info.__dict__) + "\n").encode(), 0)
        os.fsync(fd)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        # Empty the holder info first: a file with info in it and no flock means "died".
        os.ftruncate(self._fd, 0)
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> OperationLock:
        if self._fd is None:
            self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def _read_info(fd: int) -> LockInfo | None:
    try:
        raw = os.pread(fd, 4096, 0).decode()
        data = json.loads(raw) if raw.strip() else None
        if not isinstance(data, dict):
            return None
        return LockInfo(
            int(data["pid"]), str(data["host"]), str(data["since"]), str(data.get("operation"))
        )
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None
