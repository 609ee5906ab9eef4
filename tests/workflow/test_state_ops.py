"""The state commands as library calls (local backend; the CLI tests cover postgres)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.errors import StateError
from reconciler.secret import Secret
from reconciler.state import Binding, StateConfig, open_state
from reconciler.state.flock import lock_key
from reconciler.workflow.state_ops import (
    bind_exported,
    move_binding,
    read_history,
    remove_binding,
    show_state,
)
from reconciler.workflow.stateful import StatePlace

ENV = {"WOLKVOX_TOKEN": "tok-ops-1"}


@pytest.fixture
def repo(tmp_path: Path) -> tuple[list[str], StatePlace]:
    path = tmp_path / "m.yaml"
    path.write_text("version: 1\ncampaigns:\n  - {name: a, type: preview, state: stopped}\n")
    place = StatePlace(state_dir=str(tmp_path / "state"), lock_dir=str(tmp_path / "locks"))
    return [str(path)], place


def test_export_bindings_then_move_and_remove_each_journaled(repo) -> None:
    paths, place = repo
    key = lock_key(Secret(ENV["WOLKVOX_TOKEN"]))
    assert bind_exported([("a", "1"), ("b", "2")], StateConfig(), key,
                         state_dir=Path(place.state_dir), lock_dir=Path(place.lock_dir),
                         environ=ENV) == 2  # fmt: skip
    view = show_state(paths, place, ENV)
    assert {n: b.origin for n, b in view.snapshot.bindings.items()} == {
        "a": "exported", "b": "exported"
    }  # fmt: skip
    moved = move_binding(paths, "a", "c", place, environ=ENV)
    assert (moved.name, moved.campaign_id, moved.origin) == ("c", "1", "moved")
    assert move_binding(paths, "c", "a", place, environ=ENV).campaign_id == "1"
    removed = remove_binding(paths, "b", place, environ=ENV)
    assert removed.campaign_id == "2"
    with pytest.raises(StateError, match="'b' is not bound"):
        remove_binding(paths, "b", place, environ=ENV)
    events = [e["event"] for r in read_history(paths, place, ENV) for e in r.entries]
    assert events == ["export", "state-mv", "state-mv", "state-rm"]


def test_a_move_onto_a_bound_name_is_refused(repo) -> None:
    paths, place = repo
    key = lock_key(Secret(ENV["WOLKVOX_TOKEN"]))
    state = open_state(StateConfig(), key, state_dir=place.state_dir, lock_dir=place.lock_dir,
                       environ=ENV)  # fmt: skip
    state.put_binding(Binding("a", "1"))
    state.put_binding(Binding("b", "2"))
    state.flush()
    with pytest.raises(StateError, match="'b' is bound already"):
        move_binding(paths, "a", "b", place, environ=ENV)
