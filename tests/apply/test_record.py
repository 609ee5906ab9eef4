"""The last-applied record: what apply sent for the fields the list cannot show."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.apply.record import LastApplied, record_path
from reconciler.plan.model import Action, ActionKind
from reconciler.secret import Secret
from reconciler.vocabulary import CampaignType

P = CampaignType.PREVIEW


def test_creates_edits_and_speeds_are_recorded_and_a_delete_forgets(tmp_path: Path) -> None:
    path = record_path(tmp_path, "k")
    record = LastApplied.load(path)
    assert record.data == {} and record.problem is None
    create = Action(ActionKind.CREATE, "a", P, None, "", params={
        "campaign_name": "a", "start_time": "080000", "end_time": "", "opt1": "north",
        "enable_edition": "yes"})  # fmt: skip
    record.saw(create, "7", None)
    edit = Action(ActionKind.EDIT, "a", P, "7", "", params={"routing_recall": "yes"})
    # what edit_campaign answered wins over what was sent
    record.saw(edit, "7", {"optional_labels": {"opt0": "zero"}, "camp_dial_order": "zigzag"})
    record.saw(Action(ActionKind.SPEED, "a", P, "7", "", params={"speed": "40"}), "7", None)
    record.save()
    again = LastApplied.load(path).as_mapping()["7"]
    assert again == {
        "start_time": "08:00:00",
        "options.opt1": "north",
        "enable_edition": True,
        "routing_recall": False,  # the vendor's "yes" disables it
        "options.opt0": "zero",
        "dial_order": "zigzag",
        "speed": 40,
    }
    record.saw(Action(ActionKind.DELETE, "a", P, "7", ""), "7", None)
    record.save()
    assert LastApplied.load(path).data == {}


def test_a_corrupt_or_foreign_file_is_reported_and_read_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "last-applied-k.json"
    for text in ("{not json", '{"version": 9, "campaigns": {}}', "[1, 2]", "\xff"):
        path.write_text(text, encoding="utf-8", errors="surrogateescape")
        record = LastApplied.load(path)
        assert record.data == {} and record.problem and str(path) in record.problem


def test_a_token_in_a_vendor_answer_never_reaches_the_file(tmp_path: Path) -> None:
    token = Secret("record-token-SECRET-5e")
    record = LastApplied.load(record_path(tmp_path, "k"))
    edit = Action(ActionKind.EDIT, "a", P, "7", "", params={"camp_dial_order": "linear"})
    record.saw(edit, "7", {"optional_labels": {"opt1": f"x {token.reveal()}"}})
    record.save()
    text = record.path.read_text()
    assert token.reveal() not in text and json.loads(text)["version"] == 1


def test_a_save_killed_halfway_leaves_no_temporary_file_after_the_next(tmp_path: Path) -> None:
    import os
    import time

    from reconciler.apply.record import LastApplied

    record_file = tmp_path / "state" / "last-applied.json"
    record = LastApplied.load(record_file)
    record.data["1"] = {"start_time": "08:00:00"}
    record._unsaved = 1
    record.save()
    # what `kill -9` between the temporary file and the rename leaves behind
    left = record_file.parent / f".{record_file.name}.abc123.wolkvox-tmp"
    left.write_text("{half a rec")
    old = time.time() - 3600
    os.utime(left, (old, old))
    record.data["2"] = {"end_time": "18:00:00"}
    record._unsaved = 1
    record.save()
    assert sorted(p.name for p in record_file.parent.iterdir()) == [record_file.name]
    assert LastApplied.load(record_file).as_mapping()["2"] == {"end_time": "18:00:00"}


def test_a_failed_write_removes_its_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from reconciler.io import atomic_write

    def broken(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(OSError):
        atomic_write(tmp_path / "f.json", "{}")
    assert list(tmp_path.iterdir()) == []
