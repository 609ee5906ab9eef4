"""`wolkvox-reconciler simulate` as a user starts it: its first lines, its refusals."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

from tests.helpers import CLI, Simulator, run_cli


def first_lines(*args: str) -> list[str]:
    proc = subprocess.Popen(
        [CLI, "simulate", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline()]
        if "--token" not in args:
            lines.append(proc.stdout.readline())
        return [line.rstrip("\n") for line in lines]
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0
        assert proc.stdout is not None
        proc.stdout.close()


def test_prints_where_it_listens_then_the_token_to_export() -> None:
    listening, export = first_lines()
    assert listening.startswith("Simulator listening on http://127.0.0.1:")
    assert int(listening.rsplit(":", 1)[1]) > 0  # --port 0 picked a real port
    assert export == "export WOLKVOX_TOKEN=simulator-token"


def test_with_tokens_given_it_prints_only_where_it_listens() -> None:
    [listening] = first_lines("--token", "mine")
    assert listening.startswith("Simulator listening on http://127.0.0.1:")


def test_a_bad_seed_is_a_located_error_not_a_traceback(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text("campaigns:\n  - campaign_name: A\n    type_campaign: blast\n")
    result = run_cli("simulate", "--port", "0", "--seed", str(seed))
    assert result.returncode == 1
    assert f"{seed}:3:20: campaigns[0].type_campaign" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_busy_port_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli("simulate", "--port", str(port))
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_bad_options_are_refused(tmp_path: Path) -> None:
    assert run_cli("simulate", "--fail-rate", "1.5").returncode == 2
    assert run_cli("simulate", "--max-concurrent", "0").returncode == 2
    empty = run_cli("simulate", "--port", "0", "--token", " ")
    assert empty.returncode == 1 and "--token must not be empty" in empty.stderr
    not_sqlite = tmp_path / "state.sqlite"
    not_sqlite.write_text("this is not a database" * 100)
    broken = run_cli("simulate", "--port", "0", "--state", str(not_sqlite))
    assert broken.returncode == 1 and "cannot open the state file" in broken.stderr


def test_the_fixture_gives_a_working_url_and_env(simulator: object) -> None:
    sim = simulator()  # type: ignore[operator]
    assert isinstance(sim, Simulator)
    assert sim.env == {"WOLKVOX_TOKEN": "simulator-token", "WOLKVOX_ENDPOINT": sim.url}
    assert sim.campaigns() == []
