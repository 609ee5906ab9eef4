"""`history`: the last applies, who, when, which digest, what came of them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.state.test_scenarios import TOKEN, StartSimulator, backend, cli, manifest

__all__ = ["backend"]


def test_history_lists_the_applies_and_one_run_in_full(
    simulator: StartSimulator, backend: dict[str, str], tmp_path: Path
) -> None:
    sim = simulator(None, "--token", TOKEN)
    path = manifest(tmp_path / "m.yaml", ["a"], state="started")
    assert "No applies recorded." in cli(sim, backend, "history", str(path)).stdout
    assert cli(sim, backend, "apply", str(path), "--auto-approve").returncode == 0
    manifest(path, ["a", "b"])
    assert cli(sim, backend, "apply", str(path), "--auto-approve").returncode == 0
    runs = json.loads(cli(sim, backend, "history", str(path), "--json").stdout)
    assert [r["actions"] for r in runs] == [2, 2]  # create + start; stop + create
    assert all(r["outcome"] == "2 done, 0 failed, 0 skipped" for r in runs)
    assert all("@" in r["who"] and len(r["digest"]) == 16 for r in runs)
    last = cli(sim, backend, "history", str(path), "-n", "1")
    assert last.stdout.count("\n") == 1 and runs[1]["run"] in last.stdout
    one = cli(sim, backend, "history", str(path), "--run", runs[0]["run"])
    assert "attempt  create a" in one.stdout and "outcome  create a" in one.stdout
    nope = cli(sim, backend, "history", str(path), "--run", "nope")
    assert nope.returncode == 1 and "no apply with run id" in nope.stderr
