"""`export` as a library call: the files, and the bindings it can write."""

from __future__ import annotations

from pathlib import Path

from reconciler.state import StateConfig, open_state
from reconciler.workflow.exporting import export_live
from tests.helpers import Simulator, row

TOKEN = "tok-export-55"


def test_export_returns_the_manifest_and_binds_each_name_written_once(
    simulator,
    tmp_path: Path,
    monkeypatch,
) -> None:
    sim: Simulator = simulator(
        {"campaigns": [row("1", "solo", "preview", "Stopped", 0, ""),
                       row("2", "twin", "preview", "Stopped", 0, ""),
                       row("3", "twin", "preview", "Started", 0, "")]},
        "--token", TOKEN,
    )  # fmt: skip
    monkeypatch.setenv("WOLKVOX_TOKEN", TOKEN)
    exported = export_live(endpoint=sim.url, server=None)
    assert "campaigns.yaml" in exported.files and "name: solo" in exported.files["campaigns.yaml"]
    # `twin` is written twice, each pinned by id: its pins, not a binding, say which is which
    assert exported.bindings == (("solo", "1"),)
    count, where = exported.bind("local", tmp_path, environ={"WOLKVOX_TOKEN": TOKEN})
    assert count == 1 and where == str(tmp_path / ".wolkvox-reconciler")
    state = open_state(StateConfig(), exported.key, state_dir=tmp_path / ".wolkvox-reconciler",
                       lock_dir=tmp_path, environ={})  # fmt: skip
    assert state.read().bindings["solo"].origin == "exported"
