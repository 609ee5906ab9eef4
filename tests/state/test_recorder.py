"""What apply's outcomes write to the state: bindings and last-applied fields."""

from __future__ import annotations

from pathlib import Path

from reconciler.plan.model import Action, ActionKind
from reconciler.state import Snapshot, StateConfig, open_state
from reconciler.state.recorder import StateRecorder
from reconciler.vocabulary import CampaignType

P = CampaignType.PREVIEW


def _recorder(tmp_path: Path) -> StateRecorder:
    backend = open_state(StateConfig(), "k", state_dir=tmp_path, lock_dir=tmp_path, environ={})
    return StateRecorder(backend, backend.read())


def _reread(tmp_path: Path) -> Snapshot:
    return open_state(StateConfig(), "k", state_dir=tmp_path, lock_dir=tmp_path, environ={}).read()


def test_a_create_binds_edits_and_speeds_record_and_a_delete_forgets(tmp_path: Path) -> None:
    recorder = _recorder(tmp_path)
    create = Action(ActionKind.CREATE, "a", P, None, "", params={
        "campaign_name": "a", "start_time": "080000", "end_time": "", "opt1": "north",
        "enable_edition": "yes"})  # fmt: skip
    recorder.saw(create, "7", None)
    edit = Action(ActionKind.EDIT, "a", P, "7", "", params={"routing_recall": "yes"})
    # what edit_campaign answered wins over what was sent
    recorder.saw(edit, "7", {"optional_labels": {"opt0": "zero"}, "camp_dial_order": "zigzag"})
    recorder.saw(Action(ActionKind.SPEED, "a", P, "7", "", params={"speed": "40"}), "7", None)
    recorder.saw(Action(ActionKind.START, "a", P, "7", ""), "7", None)  # nothing to record
    recorder.flush()
    again = _reread(tmp_path)
    assert again.bindings["a"].campaign_id == "7" and again.bindings["a"].origin == "created"
    assert again.fields["7"] == {
        "start_time": "08:00:00",
        "options.opt1": "north",
        "enable_edition": True,
        "routing_recall": False,  # the vendor's "yes" disables it
        "options.opt0": "zero",
        "dial_order": "zigzag",
        "speed": 40,
    }
    recorder.saw(Action(ActionKind.DELETE, "a", P, "7", ""), "7", None)
    recorder.flush()
    assert _reread(tmp_path).is_empty()


def test_an_adopted_create_is_bound_as_adopted_and_matches_are_bound_once(tmp_path: Path) -> None:
    recorder = _recorder(tmp_path)
    recorder.saw(Action(ActionKind.CREATE, "lost", P, None, "", params={}), "9", None, adopted=True)
    recorder.bind_matched([("by-name", "3"), ("lost", "9")])
    recorder.flush()
    bindings = _reread(tmp_path).bindings
    assert bindings["lost"].origin == "adopted" and bindings["by-name"].origin == "matched"


def test_a_delete_of_an_id_bound_to_another_name_leaves_that_binding(tmp_path: Path) -> None:
    recorder = _recorder(tmp_path)
    recorder.bind_matched([("keep", "5")])
    recorder.saw(Action(ActionKind.DELETE, "other", P, "5", ""), "5", None)
    recorder.flush()
    bindings = _reread(tmp_path).bindings
    assert list(bindings) == ["keep"] and bindings["keep"].campaign_id == "5"
