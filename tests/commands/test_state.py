"""`state list|show|rm|mv|migrate` through the CLI, with each backend."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run_cli
from tests.state.test_scenarios import TOKEN, StartSimulator, backend, cli, manifest

__all__ = ["backend"]  # the fixture, shared with the scenarios


@pytest.fixture
def applied(simulator: StartSimulator, backend: dict[str, str], tmp_path: Path):
    sim = simulator(None, "--token", TOKEN)
    path = manifest(tmp_path / "m.yaml", ["renewals", "winback"])
    done = cli(sim, backend, "apply", str(path), "--auto-approve")
    assert done.returncode == 0, done.stdout + done.stderr
    return sim, path


def test_list_show_mv_and_rm(applied, backend: dict[str, str]) -> None:
    sim, path = applied
    listed = cli(sim, backend, "state", "list", str(path), "--json")
    assert listed.returncode == 0, listed.stderr
    bindings = json.loads(listed.stdout)["bindings"]
    assert sorted(bindings) == ["renewals", "winback"]
    assert {b["origin"] for b in bindings.values()} == {"created"}
    shown = json.loads(cli(sim, backend, "state", "show", "winback", str(path)).stdout)
    assert shown["id"] == bindings["winback"]["id"] and "last_applied" in shown
    moved = cli(sim, backend, "state", "mv", "renewals", "renewals-2025", str(path))
    assert moved.returncode == 0 and "Moved renewals → renewals-2025" in moved.stdout
    onto = cli(sim, backend, "state", "mv", "winback", "renewals-2025", str(path))
    assert onto.returncode == 1 and "bound already" in onto.stderr
    gone = cli(sim, backend, "state", "rm", "winback", str(path))
    assert gone.returncode == 0, gone.stderr
    again = cli(sim, backend, "state", "rm", "winback", str(path))
    assert again.returncode == 1 and "not bound" in again.stderr
    text = cli(sim, backend, "state", "list", str(path)).stdout
    assert text.startswith("renewals-2025\tid ") and "winback" not in text
    # the manifests still name `renewals`: the plan matches it by name again, no create
    plan = cli(sim, backend, "plan", str(path), "--detailed-exitcode")
    assert plan.returncode == 0, plan.stdout


def test_migrate_copies_a_local_state_to_postgres_and_refuses_a_full_target(
    simulator: StartSimulator, tmp_path: Path, postgres_url: str
) -> None:
    sim = simulator(None, "--token", TOKEN)
    path = manifest(tmp_path / "m.yaml", ["a", "b", "c"])
    local = {"WOLKVOX_STATE": "local"}
    assert cli(sim, local, "apply", str(path), "--auto-approve").returncode == 0
    env = {"WOLKVOX_STATE_URL": postgres_url}
    moved = cli(sim, {**local, **env}, "state", "migrate", "--to", "postgres", str(path))
    assert moved.returncode == 0, moved.stderr
    assert "Copied 3 bindings" in moved.stdout and "history entries" in moved.stdout
    pg = {"WOLKVOX_STATE": "postgres", **env}
    listed = json.loads(cli(sim, pg, "state", "list", str(path), "--json").stdout)
    assert sorted(listed["bindings"]) == ["a", "b", "c"]
    history = cli(sim, pg, "history", str(path))
    assert "3 done, 0 failed" in history.stdout
    refused = cli(sim, {**local, **env}, "state", "migrate", "--to", "postgres", str(path))
    assert refused.returncode == 1 and "not empty" in refused.stderr
    back = cli(sim, pg, "state", "migrate", "--to", "local", str(path), "--state-dir",
               str(tmp_path / "back"))  # fmt: skip
    assert back.returncode == 0, back.stderr


def test_state_commands_refuse_a_wrong_backend_and_name_no_url(tmp_path: Path) -> None:
    path = manifest(tmp_path / "m.yaml", ["a"])
    env = {"WOLKVOX_TOKEN": TOKEN}
    wrong = run_cli("state", "list", str(path), "--state", "s3", env=env)
    assert wrong.returncode == 2
    secret = "postgresql://u:pw-SECRET-9@127.0.0.1:1/db?connect_timeout=1"
    down = run_cli("state", "list", str(path), env={**env, "WOLKVOX_STATE": "postgres",
                                                  "WOLKVOX_STATE_URL": secret})  # fmt: skip
    assert down.returncode == 1 and "WOLKVOX_STATE_URL" in down.stderr
    assert "pw-SECRET-9" not in down.stderr + down.stdout and "127.0.0.1" not in down.stderr


def test_the_state_url_appears_nowhere_at_any_verbosity(
    simulator: StartSimulator, tmp_path: Path, postgres_url: str
) -> None:
    """A password in the URL, run through plan (-vv, --json, --out), apply and history:
    no part of the URL reaches stdout, stderr, the plan file or the history."""
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("CREATE ROLE wolkvox_secret_role LOGIN PASSWORD 'pw-SECRET-4242'")
        (schema,) = conn.execute("SELECT current_schema()").fetchall()[0]
        conn.execute(f"GRANT ALL ON SCHEMA {schema} TO wolkvox_secret_role")
    try:
        url = postgres_url.replace("postgres@", "wolkvox_secret_role:pw-SECRET-4242@", 1)
        sim = simulator(None, "--token", TOKEN)
        path = manifest(tmp_path / "m.yaml", ["a"])
        env = {"WOLKVOX_STATE": "postgres", "WOLKVOX_STATE_URL": url}
        out = tmp_path / "plan.json"
        runs = [
            cli(sim, env, "plan", str(path), "-vv", "--json", "--out", str(out)),
            cli(sim, env, "apply", str(path), "--auto-approve", "-vv"),
            cli(sim, env, "history", str(path), "--json"),
        ]
        for run in runs:
            assert run.returncode == 0, run.stderr
        text = "".join(r.stdout + r.stderr for r in runs) + out.read_text()
        assert "pw-SECRET-4242" not in text and "wolkvox_secret_role" not in text
        assert "54330" not in text and "54329" not in text
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute("DROP OWNED BY wolkvox_secret_role")
            conn.execute("DROP ROLE wolkvox_secret_role")


def test_plan_v_says_what_reading_the_state_cost(applied, backend: dict[str, str]) -> None:
    sim, path = applied
    planned = cli(sim, backend, "plan", str(path), "-v")
    assert planned.returncode == 0, planned.stderr
    kind = backend["WOLKVOX_STATE"]
    line = next(x for x in planned.stderr.splitlines() if x.startswith(f"state {kind} ("))
    assert ": opened in " in line and " s (for PostgreSQL: connected, tables checked); " in line
    assert "; 2 bindings and the fields of 2 campaigns read in " in line and line.endswith(" s")


def test_the_manifests_choose_the_backend_and_name_the_url_variable(
    simulator: StartSimulator, tmp_path: Path, postgres_url: str
) -> None:
    sim = simulator(None, "--token", TOKEN)
    path = tmp_path / "m.yaml"
    path.write_text(
        "version: 1\noperation:\n  state: {backend: postgres, url_env: OPS_STATE_DB}\n"
        "campaigns:\n  - {name: a, type: preview, state: stopped}\n"
    )
    env = {"OPS_STATE_DB": postgres_url}
    planned = run_cli("plan", str(path), "-v", env={**sim.env, **env})
    assert planned.returncode == 0, planned.stderr
    assert "state postgres (the URL in $OPS_STATE_DB): opened in " in planned.stderr
    # --state (or WOLKVOX_STATE) overrides the manifests' backend
    local = run_cli("plan", str(path), "-v", "--state", "local", env={**sim.env, **env})
    assert "state local (" in local.stderr
    missing = run_cli("plan", str(path), env=sim.env)
    assert missing.returncode == 1 and "environment variable OPS_STATE_DB" in missing.stderr


def test_a_url_variable_the_manifests_could_read_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(
        "version: 1\noperation:\n  variables: [OPS_DB]\n"
        "  state: {backend: postgres, url_env: OPS_DB}\ncampaigns: []\n"
    )
    result = run_cli("validate", str(path))
    assert result.returncode == 1
    assert f"{path}:4:3: operation.state.url_env names OPS_DB" in result.stderr
