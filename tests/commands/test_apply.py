"""`apply` end to end: the installed CLI against the simulator on a real socket."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from reconciler.apply.journal import read_journal
from tests.helpers import CLI, Simulator, row, run_cli

pytestmark = pytest.mark.e2e

StartSimulator = Callable[..., Simulator]

TOKEN = "apply-e2e-SECRET-7f3a9"

MANIFEST = """\
version: 1
operation:
  unmanaged: warn
campaigns:
  - {name: inbound-a, type: preview, state: started, description: first}
  - {name: outbound-b, type: predictive, state: cleared, description: second}
  - {name: brand-new, type: preview, state: started, description: third}
  - {name: quiet-c, type: preview, state: stopped, description: fourth}
  - {name: fresh-d, type: predictive, state: stopped, description: fifth}
"""


SEED = {
    "campaigns": [
        row("11", "inbound-a", "preview", "Stopped", 5, "first"),
        row("12", "outbound-b", "predictive", "Started", 40, "second"),
        row("13", "quiet-c", "preview", "Started", 0, "fourth"),
        row("14", "by-hand", "preview", "Started", 3, ""),
    ]
}

#: many actions, so that a slow simulator leaves time to interfere mid-run
BIG = "version: 1\noperation: {unmanaged: ignore}\ncampaigns:\n" + "".join(
    f"  - {{name: bulk-{i:02d}, type: preview, state: started}}\n" for i in range(8)
)


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    path = tmp_path / "campaigns.yaml"
    path.write_text(MANIFEST)
    return path


def apply(sim: Simulator, *args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return run_cli("apply", *args, env=sim.env, **kwargs)


def campaigns(sim: Simulator) -> list[dict[str, str]]:
    """The raw live rows, read past injected faults (plain httpx, not our client)."""
    for _ in range(50):
        try:
            return sim.campaigns()
        except (httpx.HTTPError, ValueError, KeyError):
            time.sleep(0.05)
    raise AssertionError("the simulator never answered the list")


def names(sim: Simulator) -> Counter[str]:
    return Counter(r["campaign_name"] for r in campaigns(sim))


def converged(sim: Simulator, manifest: Path) -> bool:
    return run_cli("plan", str(manifest), "--detailed-exitcode", env=sim.env).returncode == 0


def test_a_seeded_operation_converges_in_one_apply(
    simulator: StartSimulator, manifest: Path
) -> None:
    sim = simulator(SEED, "--token", TOKEN)
    result = apply(sim, str(manifest), "--auto-approve")
    assert result.returncode == 0, result.stderr
    assert "Apply: 7 done, 0 failed, 0 skipped. 9 API calls used." in result.stdout
    # the start of a new campaign used the id its create returned
    created = next(r for r in campaigns(sim) if r["campaign_name"] == "brand-new")
    assert f"start  brand-new (id {created['campaign_id']})" in result.stdout
    assert created["status"] == "Started"
    assert converged(sim, manifest)
    again = apply(sim, str(manifest), "--auto-approve")
    assert again.returncode == 0 and "Nothing to apply." in again.stdout


def test_without_a_terminal_it_refuses_unless_auto_approved(
    simulator: StartSimulator, manifest: Path
) -> None:
    sim = simulator(SEED, "--token", TOKEN)
    before = campaigns(sim)
    result = apply(sim, str(manifest), input="yes\n")
    assert result.returncode == 1
    assert "--auto-approve" in result.stderr
    assert campaigns(sim) == before


def test_safety_thresholds_refuse_unless_forced(simulator: StartSimulator, manifest: Path) -> None:
    sim = simulator(SEED, "--token", TOKEN)
    before = campaigns(sim)
    refused = apply(sim, str(manifest), "--auto-approve", "--max-clears", "0")
    assert refused.returncode == 1 and "unsafe plan" in refused.stderr
    assert campaigns(sim) == before
    forced = apply(sim, str(manifest), "--auto-approve", "--max-clears", "0", "--force")
    assert forced.returncode == 0, forced.stderr


def test_a_stale_saved_plan_is_refused_with_nothing_executed(
    simulator: StartSimulator, manifest: Path, tmp_path: Path
) -> None:
    sim = simulator(SEED, "--token", TOKEN)
    plan_file = tmp_path / "plan.json"
    made = run_cli("plan", str(manifest), "--out", str(plan_file), env=sim.env)
    assert made.returncode == 0, made.stderr
    # someone starts a campaign by hand after the plan was reviewed
    sim.request("PUT", "/api/v2/campaign.php?api=start&type_campaign=preview&campaign_id=11")
    before = campaigns(sim)
    result = apply(sim, "--plan", str(plan_file), "--auto-approve")
    assert result.returncode == 1
    assert "saved plan is stale" in result.stderr
    assert "inbound-a (id 11)" in result.stderr
    # field by field, from what the saved plan saw (deepdiff)
    assert "(status: 'Stopped' → 'Started')" in result.stderr
    assert campaigns(sim) == before
    journal = tmp_path / ".wolkvox-reconciler" / "journal.jsonl"
    assert not [e for e in read_journal(journal) if e["event"] == "attempt"]


def test_a_fresh_saved_plan_is_executed(
    simulator: StartSimulator, manifest: Path, tmp_path: Path
) -> None:
    sim = simulator(SEED, "--token", TOKEN)
    plan_file = tmp_path / "plan.json"
    assert run_cli("plan", str(manifest), "--out", str(plan_file), env=sim.env).returncode == 0
    result = apply(sim, "--plan", str(plan_file), "--auto-approve")
    assert result.returncode == 0, result.stderr
    assert converged(sim, manifest)


def _wait_for(predicate: Callable[[], bool], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def _popen_apply(sim: Simulator, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WOLKVOX_")}
    env.update(sim.env, NO_COLOR="1")
    return subprocess.Popen(
        [CLI, "apply", *args, "--auto-approve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )


def _lock_held(state: Path) -> bool:
    # apply's lock lives in the per-user lock dir (XDG_STATE_HOME is per test, conftest.py)
    locks = Path(os.environ["XDG_STATE_HOME"]) / "wolkvox-reconciler" / "locks"
    return any(p.read_text().strip() for p in locks.glob("apply-*.lock"))


@pytest.mark.slow
def test_two_simultaneous_applies_never_both_run(simulator: StartSimulator, tmp_path: Path) -> None:
    sim = simulator({"campaigns": []}, "--token", TOKEN, "--latency-ms", "250")
    manifest = tmp_path / "big.yaml"
    manifest.write_text(BIG)
    state = tmp_path / ".wolkvox-reconciler"
    first = _popen_apply(sim, str(manifest))
    try:
        _wait_for(lambda: _lock_held(state))
        second = apply(sim, str(manifest), "--auto-approve")
        assert second.returncode == 1
        assert f"pid {first.pid}" in second.stderr and "since" in second.stderr
        waiting = apply(sim, str(manifest), "--auto-approve", "--lock-timeout", "60s")
    finally:
        _out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    # the waiting one ran only after the first finished: nothing left to do, no duplicate
    assert waiting.returncode == 0, waiting.stderr
    assert "Nothing to apply." in waiting.stdout
    assert max(names(sim).values()) == 1
    runs = {e["run"] for e in read_journal(state / "journal.jsonl") if e["event"] == "attempt"}
    assert len(runs) == 1


def test_faulty_applies_converge_without_duplicates(
    simulator: StartSimulator, manifest: Path
) -> None:
    sim = simulator(SEED, "--token", TOKEN, "--fail-rate", "0.3", "--drop-after-commit-rate", "0.3")
    results = []
    for _ in range(15):
        results.append(apply(sim, str(manifest), "--auto-approve"))
        assert max(names(sim).values()) == 1
        if results[-1].returncode == 0 and "Nothing to apply." in results[-1].stdout:
            break
    else:
        raise AssertionError("did not converge:\n" + "\n".join(r.stdout for r in results))
    assert all(r.returncode in (0, 1) for r in results), [r.stderr for r in results]
    assert all("Traceback" not in r.stderr for r in results)
    assert {r["campaign_name"] for r in campaigns(sim)} >= {"brand-new", "fresh-d"}


@pytest.mark.slow
def test_an_apply_killed_mid_run_is_finished_by_the_next(
    simulator: StartSimulator, tmp_path: Path
) -> None:
    sim = simulator({"campaigns": []}, "--token", TOKEN, "--latency-ms", "200")
    manifest = tmp_path / "big.yaml"
    manifest.write_text(BIG)
    journal = tmp_path / ".wolkvox-reconciler" / "journal.jsonl"
    victim = _popen_apply(sim, str(manifest))
    _wait_for(lambda: sum(e["event"] == "outcome" for e in read_journal(journal)) >= 3)
    os.kill(victim.pid, signal.SIGKILL)
    victim.communicate(timeout=10)
    assert victim.returncode == -signal.SIGKILL
    left = len(campaigns(sim))
    assert left > 0  # it did part of the work …
    finish = apply(sim, str(manifest), "--auto-approve")
    assert finish.returncode == 0, finish.stderr
    assert converged(sim, manifest)
    assert sorted(names(sim).values()) == [1] * 8
    entries = read_journal(journal)
    runs = list(dict.fromkeys(e["run"] for e in entries))
    assert len(runs) == 2
    killed = [e for e in entries if e["run"] == runs[0]]
    assert not any(e["event"] == "run-end" for e in killed)  # … and its record says so
    assert any(e["event"] == "outcome" and e["result"] == "done" for e in killed)
    assert "Took over the lock" in finish.stderr


@pytest.mark.slow
def test_the_token_appears_nowhere_at_v_with_faults_on(
    simulator: StartSimulator, manifest: Path, tmp_path: Path
) -> None:
    sim = simulator(SEED, "--token", TOKEN, "--fail-rate", "0.3", "--drop-after-commit-rate", "0.3")
    plan_file = tmp_path / "plan.json"
    outputs = []
    outputs.append(
        run_cli("plan", str(manifest), "-v", "--out", str(plan_file), env=sim.env, process=True)
    )
    outputs.append(apply(sim, "--plan", str(plan_file), "--auto-approve", "-vv", process=True))
    for _ in range(3):
        outputs.append(apply(sim, str(manifest), "--auto-approve", "-vv", process=True))
    outputs.append(run_cli("plan", str(manifest), "-vv", "--json", env=sim.env, process=True))
    text = "\n".join(r.stdout + r.stderr for r in outputs)
    state = tmp_path / ".wolkvox-reconciler"
    files = [plan_file, state / "journal.jsonl", *state.glob("apply-*.lock")]
    assert "GET campaigns" in text and "PUT start" in text  # -v really logged the calls
    assert json.loads(plan_file.read_text())["actions"]
    for path in files:
        assert path.exists()
        assert TOKEN not in path.read_text(), path
    assert TOKEN not in text


def test_a_live_value_equal_to_the_token_is_redacted_from_the_shown_plan(
    simulator: StartSimulator, manifest: Path
) -> None:
    # someone pasted the token into a campaign's description in the console: apply shows
    # that description in its drift warning, and must not print the token with it
    seed = {"campaigns": [row("11", "inbound-a", "preview", "Stopped", 0, TOKEN)]}
    sim = simulator(seed, "--token", TOKEN)
    result = apply(sim, str(manifest), "--auto-approve", process=True)
    assert result.returncode == 0, result.stderr
    assert "edit   inbound-a [preview, id 11]: description: live '***'" in result.stdout
    assert TOKEN not in result.stdout + result.stderr


def test_ctrl_c_lets_in_flight_calls_finish_prints_what_was_done_and_exits_130(
    simulator: StartSimulator, tmp_path: Path
) -> None:
    sim = simulator({"campaigns": []}, "--token", TOKEN, "--latency-ms", "200")
    manifest = tmp_path / "big.yaml"
    manifest.write_text(BIG)
    journal = tmp_path / ".wolkvox-reconciler" / "journal.jsonl"
    proc = _popen_apply(sim, str(manifest))
    _wait_for(lambda: any(e["event"] == "outcome" for e in read_journal(journal)))
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "Interrupted" in err and "skipped" in out
    entries = read_journal(journal)
    attempts = [e for e in entries if e["event"] == "attempt"]
    outcomes = [e for e in entries if e["event"] == "outcome" and e["result"] != "skipped"]
    # every call that was started got its outcome recorded: none was cut off
    assert len(attempts) == len(outcomes) < 16
    assert entries[-1]["event"] == "run-end" and entries[-1]["interrupted"] is True
    assert len(campaigns(sim)) == sum(e["action"] == "create" for e in outcomes)


@contextmanager
def _apply_on_a_terminal(
    sim: Simulator, manifest: Path
) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """`apply` with a pseudo-terminal on stdin, as an operator runs it; yields the process
    and the terminal's end to type answers into."""
    import pty

    terminal, stdin = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith("WOLKVOX_")}
    env.update(sim.env, NO_COLOR="1")
    try:
        proc = subprocess.Popen(
            [CLI, "apply", str(manifest)],
            env=env,
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        yield proc, terminal
    finally:
        os.close(terminal)
        os.close(stdin)


@pytest.mark.parametrize(("answer", "code"), [("yes", 0), ("y", 1)])
def test_on_a_terminal_only_yes_proceeds(
    simulator: StartSimulator, manifest: Path, answer: str, code: int
) -> None:
    sim = simulator(SEED, "--token", TOKEN)
    before = campaigns(sim)
    with _apply_on_a_terminal(sim, manifest) as (proc, terminal):
        os.write(terminal, f"{answer}\n".encode())
        raw_out, raw_err = proc.communicate(timeout=60)
    out, err = raw_out.decode(), raw_err.decode()
    assert "Apply these 7 actions? Only 'yes' proceeds" in out
    assert proc.returncode == code, err
    if code:
        assert "cancelled" in err and campaigns(sim) == before
    else:
        assert "Apply: 7 done" in out


def test_a_change_between_the_shown_plan_and_execution_is_refused(
    simulator: StartSimulator, manifest: Path
) -> None:
    import select

    sim = simulator(SEED, "--token", TOKEN)
    with _apply_on_a_terminal(sim, manifest) as (proc, terminal):
        assert proc.stdout is not None
        shown = b""
        deadline = time.monotonic() + 30
        while b"Only 'yes' proceeds" not in shown and time.monotonic() < deadline:
            if select.select([proc.stdout], [], [], 0.1)[0]:
                shown += os.read(proc.stdout.fileno(), 4096)
        # while the operator reads the plan, someone starts a campaign by hand
        sim.request("PUT", "/api/v2/campaign.php?api=start&type_campaign=preview&campaign_id=11")
        before = campaigns(sim)
        os.write(terminal, b"yes\n")
        _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert b"the live state changed since the plan above was made" in err
    assert b"inbound-a (id 11)" in err
    assert campaigns(sim) == before


def test_a_plan_over_the_calls_left_today_is_refused_before_any_change(
    simulator: StartSimulator, manifest: Path
) -> None:
    # the list and token_info fit in the quota, the plan's 7 actions do not: the vendor's
    # own count says so before anything changes (a quota spent mid-run by someone else
    # still halts the run at once: tests/apply/test_applier.py)
    sim = simulator(SEED, "--token", TOKEN, "--daily-quota", "5")
    before = campaigns(sim)
    result = apply(sim, str(manifest), "--auto-approve")
    assert result.returncode == 1
    # used: this test's own list, the plan's and token_info itself
    assert "the plan needs 7 API calls, but the token has 2 left today (token_info: 3 of 5" in (
        result.stderr
    )
    assert campaigns(sim) == before


def test_a_saved_plan_runs_only_against_its_own_endpoint(
    simulator: StartSimulator, manifest: Path, tmp_path: Path
) -> None:
    sim = simulator(SEED, "--token", TOKEN)
    plan_file = tmp_path / "plan.json"
    assert run_cli("plan", str(manifest), "--out", str(plan_file), env=sim.env).returncode == 0
    other = run_cli(
        "apply",
        "--plan",
        str(plan_file),
        "--auto-approve",
        "--endpoint",
        "http://127.0.0.1:1",
        env={"WOLKVOX_TOKEN": TOKEN},
    )
    assert other.returncode == 1 and "was made against" in other.stderr
    # the manifests may be named again: they are what the plan is checked against
    both = apply(sim, str(manifest), "--plan", str(plan_file), "--auto-approve")
    assert both.returncode == 0, both.stderr


@pytest.mark.parametrize(
    ("text", "seconds"), [("0", 0.0), ("60s", 60.0), ("2m", 120.0), ("1.5", 1.5), ("250ms", 0.25)]
)
def test_lock_timeout_durations(text: str, seconds: float) -> None:
    from reconciler.commands.common import parse_duration

    assert parse_duration(text) == seconds


def test_a_bad_lock_timeout_is_a_clear_error(manifest: Path) -> None:
    result = run_cli("apply", str(manifest), "--lock-timeout", "soon")
    assert result.returncode == 2 and "invalid duration 'soon'" in result.stderr


def test_on_a_terminal_each_outcome_line_starts_its_own_line_under_the_progress_bar(
    simulator: StartSimulator, manifest: Path
) -> None:
    import pty
    import select

    sim = simulator(SEED, "--token", TOKEN)
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith("WOLKVOX_")}
    env.update(sim.env, NO_COLOR="1")
    chunks = []
    try:
        proc = subprocess.Popen(
            [CLI, "apply", str(manifest), "--auto-approve"],
            env=env,
            stdin=slave,
            stdout=slave,
            stderr=slave,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    chunks.append(os.read(master, 65536))
                except OSError:
                    break
            elif proc.poll() is not None:
                break
        proc.wait(timeout=10)
    finally:
        os.close(master)
        os.close(slave)
    text = b"".join(chunks).decode(errors="replace")
    assert proc.returncode == 0, text
    assert "Applying" in text  # the bar was shown
    starts = [m.start() for m in re.finditer(r"done {5}", text)]
    assert len(starts) == 7, text
    for at in starts:
        # on its own line: after a newline, or after the bar was erased
        assert text[:at].endswith(("\n", "\x1b[K")), repr(text[max(0, at - 60) : at + 20])


@pytest.mark.parametrize("random_seed", ["1", "3"])
def test_twenty_creates_through_faults_converge_in_at_most_four_applies(
    simulator: StartSimulator, tmp_path: Path, random_seed: str
) -> None:
    # 30 % of calls fail before any change, 30 % of changes lose their answer: a failure
    # skips only what depends on it, so each apply makes progress on every other campaign
    sim = simulator(
        {"campaigns": []},
        "--token", TOKEN, "--fail-rate", "0.3", "--drop-after-commit-rate", "0.3",
        "--random-seed", random_seed,
    )  # fmt: skip
    manifest = tmp_path / "twenty.yaml"
    manifest.write_text(
        "version: 1\ncampaigns:\n"
        + "".join(f"  - {{name: c{i:02}, type: preview, state: started}}\n" for i in range(20))
    )
    for _ in range(4):
        # the simulator's list does not lag: an ambiguous create is found at once
        result = apply(sim, str(manifest), "--auto-approve", "--create-recheck", "0")
        assert "Traceback" not in result.stderr
        assert max(names(sim).values()) == 1, names(sim)
        if result.returncode == 0:
            break
    final = run_cli("plan", str(manifest), "--detailed-exitcode", env=sim.env)
    assert (final.returncode, final.stdout) == (0, "No changes.\n"), final.stdout
    assert sorted(names(sim)) == [f"c{i:02}" for i in range(20)]
    assert {r["status"] for r in campaigns(sim)} == {"Started"}


def test_deletes_cost_one_call_per_fifty_campaigns_of_a_type(
    simulator: StartSimulator, tmp_path: Path
) -> None:
    seed = {"campaigns": [row(str(100 + i), f"old-{i}", "preview", "Stopped", 3, "")
                          for i in range(7)]}  # fmt: skip
    sim = simulator(seed, "--token", TOKEN)
    path = tmp_path / "m.yaml"
    path.write_text(
        "version: 1\ncampaigns:\n"
        + "".join(f"  - {{name: old-{i}, type: preview, state: absent}}\n" for i in range(7))
    )
    planned = run_cli("plan", str(path), "--max-deletes", "10", env=sim.env)
    assert "1 to delete" not in planned.stdout and "7 to delete. 3 API calls." in planned.stdout
    done = apply(sim, str(path), "--auto-approve", "--max-deletes", "10")
    assert done.returncode == 0, done.stdout + done.stderr
    # the plan's list, token_info and one delete call for all seven (auto-approved: the
    # plan's list is read a moment before, so no second list)
    assert "Apply: 7 done, 0 failed, 0 skipped. 3 API calls used." in done.stdout
    assert campaigns(sim) == []
