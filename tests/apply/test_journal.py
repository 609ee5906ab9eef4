from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.apply.journal import Journal, read_journal
from reconciler.errors import ApplyError
from reconciler.secret import Secret


def test_entries_append_across_runs_and_are_on_disk_at_once(tmp_path: Path) -> None:
    path = tmp_path / "state" / "journal.jsonl"
    with Journal(path, run_id="one") as j:
        j.record("attempt", campaign="a")
        # on disk before close: another reader sees it (an apply killed now keeps it)
        assert json.loads(path.read_text().splitlines()[0])["campaign"] == "a"
    with Journal(path, run_id="two") as j:
        j.record("outcome", campaign="b", result="done")
    assert [(e["run"], e["event"]) for e in read_journal(path)] == [
        ("one", "attempt"),
        ("two", "outcome"),
    ]


def test_a_torn_last_line_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    with Journal(path) as j:
        j.record("attempt", campaign="a")
    with path.open("a") as f:
        f.write('{"run": "x", "ev')
    assert [e["campaign"] for e in read_journal(path)] == ["a"]


def test_a_token_in_an_error_message_never_reaches_the_journal(tmp_path: Path) -> None:
    token = Secret("journal-TOKEN-xyz")
    path = tmp_path / "journal.jsonl"
    with Journal(path) as j:
        j.record("outcome", error=f"echoed {token.reveal()}")
    assert "journal-TOKEN-xyz" not in path.read_text()


def test_an_unusable_journal_path_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ApplyError, match="cannot open the journal"):
        Journal(blocker / "journal.jsonl")


def test_the_journal_is_private_made_where_asked_and_timed_in_utc(tmp_path: Path) -> None:
    path = tmp_path / "new" / "deeper" / "journal.jsonl"
    with Journal(path, "r1") as journal:
        journal.record("run-start", actions=0)
    assert path.stat().st_mode & 0o777 == 0o600
    (entry,) = read_journal(path)
    assert entry["time"].endswith("+00:00") and entry["run"] == "r1"
    with pytest.raises(ValueError, match="journal is closed"):
        journal.record("late")


def test_sync_soon_fsyncs_on_a_helper_thread_without_making_the_caller_wait(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import threading

    synced: list[str] = []
    release = threading.Event()
    real_fsync = os.fsync

    def slow_fsync(fd: int) -> None:
        synced.append(threading.current_thread().name)
        release.wait(5)  # a disk that takes its time: the caller must not wait for it
        real_fsync(fd)

    journal = Journal(tmp_path / "journal.jsonl")
    monkeypatch.setattr(os, "fsync", slow_fsync)
    journal.record("attempt", durable=False, campaign="a")
    journal.sync_soon()
    for _ in range(500):  # the helper has started its fsync; this thread was not held
        if synced:
            break
        threading.Event().wait(0.01)
    assert synced == ["wolkvox-journal"]
    release.set()
    journal.close()  # waits for the helper's fsync (the lock), then its own
    assert synced == ["wolkvox-journal", "MainThread"]
    assert [e["campaign"] for e in read_journal(tmp_path / "journal.jsonl")] == ["a"]


def test_a_failed_background_fsync_stops_the_next_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import threading

    failed = threading.Event()

    def broken_fsync(fd: int) -> None:
        failed.set()
        raise OSError(5, "Input/output error")

    journal = Journal(tmp_path / "journal.jsonl")
    monkeypatch.setattr(os, "fsync", broken_fsync)
    journal.record("attempt", durable=False, campaign="a")
    journal.sync_soon()
    assert failed.wait(5)
    with pytest.raises(ApplyError, match=r"cannot write the journal .*Input/output error"):
        for _ in range(500):  # the helper records the failure just after its fsync
            journal.record("outcome", durable=False, campaign="a")
            threading.Event().wait(0.01)
    journal.close()
