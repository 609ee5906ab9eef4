"""The promises of the state, end to end: the installed CLI against the simulator on
127.0.0.1, with each backend (`local` on one machine, `postgres` on a real server).

- two applies at once, on two "machines" (their own lock and state dirs) sharing one
  PostgreSQL state, or on one machine with the local state: 0 duplicates in 200 creates;
- an apply holding the lock is killed (-9): the lock is free within a second;
- the list lags 10 s, an apply re-runs at once: nothing is created twice;
- a campaign renamed in the console is renamed back (an edit), not created again;
- a window added to an exported campaign: one edit, then "No changes.";
- a delete by pinned id names the live campaign it deletes.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from reconciler.errors import LockHeld
from reconciler.secret import Secret
from reconciler.state import StateBackend, StateConfig, open_state
from reconciler.state.flock import lock_key
from tests.helpers import CLI, Simulator, row, run_cli

StartSimulator = Callable[..., Simulator]
TOKEN = "tok-state-SECRET-77"


@pytest.fixture(params=["local", "postgres"])
def backend(request: pytest.FixtureRequest) -> dict[str, str]:
    """The environment that puts a command's state in the backend under test."""
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_url")
        return {"WOLKVOX_STATE": "postgres", "WOLKVOX_STATE_URL": url}
    return {"WOLKVOX_STATE": "local"}


def manifest(path: Path, names: list[str], state: str = "stopped") -> Path:
    campaigns = [{"name": n, "type": "preview", "state": state} for n in names]
    path.write_text(yaml.safe_dump({"version": 1, "campaigns": campaigns}, sort_keys=False))
    return path


def cli(
    sim: Simulator, backend: dict[str, str], *args: str, **kw: object
) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, env={**sim.env, **backend}, **kw)  # type: ignore[arg-type]


def stored_names(db: Path) -> Counter[str]:
    """Every campaign the simulator holds, listed yet or not (its SQLite state)."""
    with sqlite3.connect(db) as conn:
        return Counter(name for (name,) in conn.execute("SELECT campaign_name FROM campaigns"))


def popen(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("WOLKVOX_")}
    full.update(env, NO_COLOR="1")
    return subprocess.Popen(
        [CLI, *args], env=full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


@pytest.mark.slow
def test_two_machines_applying_at_once_create_nothing_twice(
    simulator: StartSimulator, backend: dict[str, str], tmp_path: Path
) -> None:
    db = tmp_path / "live.sqlite"
    sim = simulator(None, "--token", TOKEN, "--state", str(db), "--list-lag", "3")
    names = [f"wave-{i:03d}" for i in range(200)]
    path = manifest(tmp_path / "m.yaml", names)
    runs = []
    for machine in ("a", "b"):
        env = {**sim.env, **backend}
        args = ["apply", str(path), "--auto-approve", "--concurrency", "2", "--lock-timeout", "2m"]
        if backend["WOLKVOX_STATE"] == "postgres":
            # two runners: nothing on disk in common, only the PostgreSQL state
            env["XDG_STATE_HOME"] = str(tmp_path / f"home-{machine}")
            args += ["--state-dir", str(tmp_path / f"state-{machine}")]
        runs.append(popen(args, env))
    results = [(p, *p.communicate(timeout=300)) for p in runs]
    for process, out, err in results:
        assert process.returncode == 0, out + err
    assert stored_names(db) == Counter(names)  # 200 creates, none twice
    outs = sorted((out for _, out, _ in results), key=len)
    assert "Apply: 200 done" in outs[1]
    # the later one planned from the state: each campaign created, not yet listed
    assert "not created again" in outs[0] or "Nothing to apply." in outs[0]


@pytest.mark.slow
def test_a_killed_apply_s_lock_is_free_within_a_second(
    simulator: StartSimulator, backend: dict[str, str], tmp_path: Path
) -> None:
    sim = simulator(None, "--token", TOKEN, "--latency-ms", "200")
    path = manifest(tmp_path / "m.yaml", [f"slow-{i}" for i in range(30)])
    config = StateConfig(backend["WOLKVOX_STATE"])
    env = {"WOLKVOX_STATE_URL": backend.get("WOLKVOX_STATE_URL", "")}

    def state() -> StateBackend:
        return open_state(
            config,
            lock_key(Secret(TOKEN)),
            state_dir=tmp_path / ".wolkvox-reconciler",
            lock_dir=Path(os.environ["XDG_STATE_HOME"]) / "wolkvox-reconciler" / "locks",
            environ=env,
        )

    probe = state()
    victim = popen(
        ["apply", str(path), "--auto-approve", "--lock-timeout", "30s"], {**sim.env, **backend}
    )
    deadline = time.monotonic() + 30
    while True:  # until the victim holds the lock
        try:
            probe.lock(0, "probe").release()
        except LockHeld:
            break
        assert time.monotonic() < deadline and victim.poll() is None, victim.communicate()
        time.sleep(0.05)
    time.sleep(0.5)  # mid-run: creates in flight
    os.kill(victim.pid, signal.SIGKILL)
    killed = time.monotonic()
    victim.communicate(timeout=10)
    while True:
        try:
            held = probe.lock(0, "probe")
            break
        except LockHeld:
            time.sleep(0.02)
    took = time.monotonic() - killed
    assert took < 1.0, f"took {took:.2f} s"
    assert held.took_over and f"pid {victim.pid}" in held.took_over
    held.release()
    probe.close()
    print(f"lock free {took * 1000:.0f} ms after kill -9 ({backend['WOLKVOX_STATE']})")
    finish = cli(sim, backend, "apply", str(path), "--auto-approve", "--concurrency", "2")
    assert finish.returncode == 0, finish.stdout + finish.stderr
    assert Counter(r["campaign_name"] for r in sim.campaigns()) == Counter(
        f"slow-{i}" for i in range(30)
    )


def test_a_lagging_list_and_an_immediate_reapply_create_nothing_twice(
    simulator: StartSimulator, backend: dict[str, str], tmp_path: Path
) -> None:
    db = tmp_path / "live.sqlite"
    sim = simulator(None, "--token", TOKEN, "--state", str(db), "--list-lag", "10")
    path = manifest(tmp_path / "m.yaml", ["winback", "renewals"], state="started")
    first = cli(sim, backend, "apply", str(path), "--auto-approve")
    assert first.returncode == 0, first.stdout + first.stderr
    again = cli(sim, backend, "apply", str(path), "--auto-approve")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "winback: created as id" in again.stdout and "not yet listed" in again.stdout
    assert "Nothing to apply." in again.stdout
    assert stored_names(db) == Counter(["winback", "renewals"])


def test_a_console_rename_is_renamed_back_not_created_again(
    simulator: StartSimulator, backend: dict[str, str], tmp_path: Path
) -> None:
    sim = simulator(None, "--token", TOKEN)
    path = manifest(tmp_path / "m.yaml", ["renewals"])
    assert cli(sim, backend, "apply", str(path), "--auto-approve").returncode == 0
    (cid,) = [r["campaign_id"] for r in sim.campaigns()]
    renamed = sim.request(
        "PUT",
        f"/api/v2/campaign.php?api=edit_campaign&campaign_id={cid}",
        json={"campaign_name": "renewals-old"},
    )
    assert renamed.status_code == 200, renamed.text
    plan = cli(sim, backend, "plan", str(path), "--detailed-exitcode")
    assert plan.returncode == 2, plan.stdout + plan.stderr
    assert f"~ edit   renewals [preview, id {cid}]: name: live 'renewals-old' → 'renewals'" in (
        plan.stdout
    )
    assert "create" not in plan.stdout.split("Plan:")[0] and "unmanaged" not in plan.stdout
    assert cli(sim, backend, "apply", str(path), "--auto-approve").returncode == 0
    assert [(r["campaign_id"], r["campaign_name"]) for r in sim.campaigns()] == [(cid, "renewals")]


def test_a_window_added_to_an_exported_campaign_is_one_edit_then_no_changes(
    simulator: StartSimulator, backend: dict[str, str], tmp_path: Path
) -> None:
    sim = simulator(
        {"campaigns": [row("5003", "renewals", "predictive", "Stopped", 55, "Q4 renewals")]},
        "--token",
        TOKEN,
    )
    path = tmp_path / "repo" / "campaigns.yaml"
    path.parent.mkdir()
    exported = cli(sim, backend, "export", "-o", str(path), "--state", backend["WOLKVOX_STATE"])
    assert exported.returncode == 0, exported.stderr
    assert "Bound 1 campaigns by id" in exported.stderr
    assert cli(sim, backend, "plan", str(path), "--detailed-exitcode").returncode == 0
    data = yaml.safe_load(path.read_text())
    data["campaigns"][0].update(start_time="08:00", end_time="17:30")
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    plan = cli(sim, backend, "plan", str(path), "--detailed-exitcode")
    assert plan.returncode == 2, plan.stdout + plan.stderr
    assert "Plan: 0 to create, 1 to edit, 0 to start, 0 to stop, 0 to clear." in plan.stdout
    assert "start_time: not recorded → '08:00:00'" in plan.stdout
    assert cli(sim, backend, "apply", str(path), "--auto-approve").returncode == 0
    again = cli(sim, backend, "plan", str(path), "--detailed-exitcode")
    assert again.returncode == 0 and "No changes." in again.stdout, again.stdout


def test_a_delete_by_pinned_id_names_the_live_campaign_it_deletes(
    simulator: StartSimulator, backend: dict[str, str], tmp_path: Path
) -> None:
    sim = simulator(
        {"campaigns": [row("102", "important-prod", "preview", "Started", 900, "")]},
        "--token",
        TOKEN,
    )
    path = tmp_path / "m.yaml"
    path.write_text(
        'version: 1\ncampaigns:\n  - {name: retire-me, type: preview, state: absent, id: "102"}\n'
    )
    plan = cli(sim, backend, "plan", str(path))
    assert plan.returncode == 0, plan.stderr
    hit = "live campaign 'important-prod' (id 102, Started, 900 records)"
    assert f"- delete retire-me [preview, id 102]: desired absent; irreversible: deletes {hit}" in (
        plan.stdout
    )
    assert f"~ stop   retire-me [preview, id 102]: desired absent; stops {hit}" in plan.stdout
