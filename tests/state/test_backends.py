"""Each state backend keeps the same promises: bindings and fields survive the process,
one id has one name, no concurrent writer loses another's update, a newer format is
refused, and the lock admits one holder at a time."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reconciler.errors import LockHeld
from reconciler.secret import Secret
from reconciler.state import Binding, StateBackend, StateConfig, open_state

Opener = Callable[[], StateBackend]


@pytest.fixture(params=["local", "postgres"])
def opener(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """A factory of backends that all see one operation's state (key "k0")."""
    environ = {}
    if request.param == "postgres":
        environ["WOLKVOX_STATE_URL"] = request.getfixturevalue("postgres_url")
    opened: list[StateBackend] = []

    def open_one() -> StateBackend:
        backend = open_state(
            StateConfig(request.param),
            "00000000000000a1",
            state_dir=tmp_path / "state",
            lock_dir=tmp_path / "locks",
            environ=environ,
        )
        opened.append(backend)
        return backend

    yield open_one
    for backend in opened:
        backend.close()


def test_bindings_and_fields_outlive_the_process_that_wrote_them(opener: Opener) -> None:
    first = opener()
    assert first.read().is_empty()
    first.put_binding(Binding("winback", "7", "created", "2026-12-04T00:00:00+00:00"))
    first.put_fields("7", {"start_time": "08:00:00", "options.opt1": "north"})
    first.put_binding(Binding("renewals", "8", "imported"))
    first.flush()
    again = opener().read()
    assert again.bindings["winback"] == Binding(
        "winback", "7", "created", "2026-12-04T00:00:00+00:00"
    )
    assert again.bindings["renewals"].campaign_id == "8"
    assert again.fields == {"7": {"start_time": "08:00:00", "options.opt1": "north"}}
    second = opener()
    second.drop_binding("winback")
    second.drop_fields("7")
    second.flush()
    final = opener().read()
    assert set(final.bindings) == {"renewals"} and final.fields == {}


def test_one_id_has_one_name(opener: Opener) -> None:
    state = opener()
    state.put_binding(Binding("old-name", "9"))
    state.put_binding(Binding("new-name", "9", "moved"))
    state.flush()
    assert {n: b.campaign_id for n, b in opener().read().bindings.items()} == {"new-name": "9"}


def test_concurrent_writers_under_the_lock_lose_no_update(opener: Opener) -> None:
    def writer(prefix: str) -> None:
        state = opener()
        for k in range(15):
            with state.lock(30, "test"):
                state.read()
                state.put_binding(Binding(f"{prefix}{k}", f"{prefix == 'a'}{k}".replace(
                    "True", "1").replace("False", "2")))  # fmt: skip
                state.flush()

    threads = [threading.Thread(target=writer, args=(p,)) for p in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(opener().read().bindings) == 30


def test_the_lock_admits_one_holder_and_names_it(opener: Opener) -> None:
    held = opener().lock(0, "http://127.0.0.1:1")
    with pytest.raises(LockHeld) as refused:
        opener().lock(0, "http://127.0.0.1:1")
    assert "pid" in str(refused.value) and "--lock-timeout" in str(refused.value)
    held.release()
    with opener().lock(0, "x") as again:
        assert again.took_over is None  # released properly: nobody died holding it


def test_the_journal_is_the_history_oldest_first(opener: Opener) -> None:
    state = opener()
    journal = state.journal("run1")
    journal.record("run-start", actions=1, who="me@host")
    journal.record("attempt", durable=False, campaign="a", action="start")
    journal.record("run-end", done=1)
    journal.close()
    entries = list(opener().entries())
    assert [e["event"] for e in entries] == ["run-start", "attempt", "run-end"]
    assert {e["run"] for e in entries} == {"run1"}


def test_an_entry_synced_soon_is_seen_by_another_process_before_close(opener: Opener) -> None:
    """What `sync_soon` covers is out of this process at once (a kill -9 cannot take it):
    written to the file locally, committed on PostgreSQL."""
    journal = opener().journal("run2")
    journal.record("attempt", durable=False, campaign="a", action="start")
    journal.sync_soon()
    try:
        assert [e["campaign"] for e in opener().entries() if e["run"] == "run2"] == ["a"]
    finally:
        journal.close()


def test_a_token_in_a_vendor_answer_never_reaches_the_state(opener: Opener) -> None:
    token = Secret("state-token-SECRET-5e")
    state = opener()
    state.put_fields("7", {"options.opt1": f"x {token.reveal()}"})
    journal = state.journal()
    journal.record("outcome", error=f"echoed {token.reveal()}")
    journal.close()
    state.flush()
    text = json.dumps([opener().read().fields, list(opener().entries())])
    assert token.reveal() not in text and "***" in text


def test_many_bindings_at_once_keep_one_name_per_id(opener: Opener) -> None:
    state = opener()
    state.put_binding(Binding("old", "1"))
    state.put_bindings(
        [Binding(f"c{i}", str(100 + i), "exported") for i in range(300)] + [Binding("new", "1")]
    )
    state.flush()
    bindings = opener().read().bindings
    assert len(bindings) == 301 and "old" not in bindings
    assert bindings["new"].campaign_id == "1" and bindings["c299"].campaign_id == "399"
