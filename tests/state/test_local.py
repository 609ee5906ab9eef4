"""The local backend: a state file beside the manifests, the journal replayed into it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.errors import StateError
from reconciler.state import Binding, StateBackend, StateConfig, open_state


def _local(tmp_path: Path) -> StateBackend:
    return open_state(
        StateConfig(), "k", state_dir=tmp_path, lock_dir=tmp_path / "locks", environ={}
    )


def test_a_newer_local_format_is_refused_and_a_corrupt_one_located(tmp_path: Path) -> None:
    (tmp_path / "state-k.json").write_text('{"version": 3, "bindings": {}}')
    with pytest.raises(StateError, match=r"newer wolkvox-reconciler.*format 3"):
        _local(tmp_path).read()
    (tmp_path / "state-k.json").write_text('{"version": 2,\n "bindings": {,}}')
    with pytest.raises(StateError, match=r"state-k\.json:2:15: the state is not JSON"):
        _local(tmp_path).read()


def test_a_format_1_record_is_migrated_into_the_state(tmp_path: Path) -> None:
    (tmp_path / "journal.jsonl").write_text(
        '{"event": "outcome", "result": "done", "action": "create", "campaign": "x", '
        '"campaign_id": "3"}\n'
    )
    legacy = tmp_path / "last-applied-k.json"
    legacy.write_text('{"version": 1, "campaigns": {"5": {"start_time": "08:00:00"}}}')
    state = _local(tmp_path)
    snapshot = state.read()
    # the record predates the journal's replay: old creates are not bound from it
    assert snapshot.fields == {"5": {"start_time": "08:00:00"}} and snapshot.bindings == {}
    state.put_binding(Binding("a", "5"))
    state.flush()
    assert not legacy.exists()
    assert json.loads((tmp_path / "state-k.json").read_text())["version"] == 2


def test_creates_the_journal_holds_past_the_state_are_bound_on_read(tmp_path: Path) -> None:
    """An apply killed after a create's answer was journaled, before the state file was
    rewritten: the next read binds it all the same (never a second create)."""
    state = _local(tmp_path)
    state.put_binding(Binding("kept", "1"))
    state.flush()
    with (tmp_path / "journal.jsonl").open("a") as journal:
        for line in (
            {"event": "outcome", "result": "done", "action": "create", "campaign": "new",
             "campaign_id": "2"},
            {"event": "outcome", "result": "failed", "action": "create", "campaign": "bad",
             "campaign_id": None},
            {"event": "outcome", "result": "done", "action": "delete", "campaign": "kept",
             "campaign_id": "1"},
        ):  # fmt: skip
            journal.write(json.dumps(line) + "\n")
        journal.write('{"event": "outcome", "resu')  # torn by the kill
    bindings = _local(tmp_path).read().bindings
    assert {n: b.campaign_id for n, b in bindings.items()} == {"new": "2"}
    assert bindings["new"].origin == "created"


def test_a_thousand_bindings_at_once_are_one_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reconciler.state.local as local

    writes: list[str] = []
    from reconciler.io import atomic_write as real

    def counted(path: Path, text: str) -> None:
        writes.append(text)
        real(path, text)

    monkeypatch.setattr(local, "atomic_write", counted)
    state = _local(tmp_path)
    state.put_bindings([Binding(f"c{i}", str(i + 1)) for i in range(1000)])
    state.flush()
    assert len(writes) == 1 and len(_local(tmp_path).read().bindings) == 1000
