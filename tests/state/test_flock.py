from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reconciler.errors import ApplyError, LockHeld
from reconciler.secret import Secret
from reconciler.state.flock import OperationLock, default_lock_dir, lock_key

TOKEN = "tok-lock-SECRET-123"


def test_the_key_is_the_tokens_identity_and_never_holds_the_token() -> None:
    key = lock_key(Secret(TOKEN))
    assert key == lock_key(Secret(TOKEN))
    assert key != lock_key(Secret("another-token-for-the-lock-0x9"))
    assert TOKEN not in key and Secret(TOKEN).fingerprint() not in key


def test_the_default_lock_dir_is_per_user_and_overridable(tmp_path: Path) -> None:
    assert default_lock_dir({"WOLKVOX_LOCK_DIR": str(tmp_path)}) == tmp_path
    assert default_lock_dir({"XDG_STATE_HOME": "/s"}) == Path("/s/wolkvox-reconciler/locks")
    home = default_lock_dir({})
    assert home == Path.home() / ".local/state/wolkvox-reconciler/locks"


def test_a_second_holder_fails_at_once_naming_pid_host_and_since(tmp_path: Path) -> None:
    first = OperationLock(tmp_path, "k", operation="http://h").acquire()
    try:
        with pytest.raises(LockHeld) as caught:
            OperationLock(tmp_path, "k").acquire()
        message = str(caught.value)
        assert f"pid {os.getpid()}" in message and "since" in message and "host" in message
    finally:
        first.release()
    OperationLock(tmp_path, "k").acquire().release()  # free again once released


def test_different_operations_do_not_block_each_other(tmp_path: Path) -> None:
    with OperationLock(tmp_path, "a"), OperationLock(tmp_path, "b"):
        pass


def test_timeout_waits_then_gives_up(tmp_path: Path) -> None:
    clock = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    with OperationLock(tmp_path, "k"), pytest.raises(LockHeld, match="waited 1s"):
        OperationLock(tmp_path, "k").acquire(1.0, sleep=sleep, clock=lambda: clock[0])
    assert sum(slept) >= 1.0


def test_a_lock_left_by_a_killed_process_is_taken_over(tmp_path: Path) -> None:
    code = (
        "import os,sys; from reconciler.state.flock import OperationLock;"
        f"OperationLock({str(tmp_path)!r}, 'k').acquire(); os.kill(os.getpid(), 9)"
    )
    proc = subprocess.run([sys.executable, "-c", code], check=False)
    assert proc.returncode == -9
    left = json.loads((tmp_path / "apply-k.lock").read_text())
    lock = OperationLock(tmp_path, "k").acquire()
    try:
        assert lock.took_over is not None and lock.took_over.pid == left["pid"]
        assert json.loads(lock.path.read_text())["pid"] == os.getpid()
    finally:
        lock.release()
    assert lock.path.read_text() == ""  # a clean release leaves no holder behind


def test_an_unusable_state_dir_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ApplyError, match="cannot open the lock file"):
        OperationLock(blocker / "state", "k").acquire()
