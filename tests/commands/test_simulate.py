"""`wolkvox-reconciler simulate` as a user starts it: its first lines, its refusals."""

from __future__ import annotations

import socket
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from reconciler.cli import main
from reconciler.client import WolkvoxClient, endpoint_base_url
from reconciler.client.live import LiveCampaign
from reconciler.commands.simulate_seed import seed_from_manifests
from reconciler.manifest import load
from reconciler.plan.planner import make_plan
from reconciler.secret import Secret
from reconciler.simulator import Seed, SimulatorConfig, SimulatorServer, Store, load_seed
from reconciler.vocabulary import LiveStatus
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


# -- new options: refused before anything listens ------------------------------------------


@pytest.mark.parametrize("lag", ["nan", "inf", "-1", "1e9", "soon"])
def test_a_list_lag_that_is_not_a_sane_number_is_a_usage_error(lag: str) -> None:
    result = run_cli("simulate", "--port", "0", "--list-lag", lag)
    assert result.returncode == 2 and "--list-lag" in result.stderr


def test_seed_and_seed_from_manifest_are_exclusive(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text("campaigns: []\n")
    result = run_cli(
        "simulate", "--port", "0", "--seed", str(seed), "--seed-from-manifest", EXAMPLE
    )
    assert result.returncode == 2 and "not both" in result.stderr


def test_a_bad_manifest_to_seed_from_is_a_located_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\ncampaigns:\n  - {name: a, type: preview, state: paused}\n")
    result = run_cli("simulate", "--port", "0", "--seed-from-manifest", str(bad))
    assert result.returncode == 1
    assert f"{bad}:3:" in result.stderr and "paused" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (
            f"campaigns:\n  - {{campaign_id: {2**64}, campaign_name: A, type_campaign: preview}}\n",
            ":2:",
        ),
        (
            f"campaigns:\n  - {{campaign_name: A, type_campaign: preview, records: {2**64}}}\n",
            ":2:",
        ),
        ("campaigns: " + "[" * 5000, ":1:"),
    ],
)
def test_seeds_a_store_cannot_hold_are_seed_errors_not_crashes(
    tmp_path: Path, text: str, where: str
) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text(text)
    result = run_cli("simulate", "--port", "0", "--seed", str(seed))
    assert result.returncode == 1, result.stderr
    assert f"{seed}{where}" in result.stderr and "Traceback" not in result.stderr


def test_a_deep_json_seed_is_a_located_error(tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text("[" * 5000 + "]" * 5000)
    result = run_cli("simulate", "--port", "0", "--seed", str(seed))
    assert result.returncode == 1 and f"{seed}:1:65: collections nest" in result.stderr


# -- --seed-from-manifest and examples/seed.yaml, in-process --------------------------------

EXAMPLE = str(Path(__file__).parents[2] / "examples" / "campaigns.yaml")
EXAMPLE_SEED = str(Path(__file__).parents[2] / "examples" / "seed.yaml")
TOKEN = "in-process-token"
HEADERS = {"wolkvox-token": TOKEN}

VARIED = """\
version: 1
defaults: {type: predictive}
campaigns:
  - {name: pinned-started, state: started, id: "77", skill_id: "0420", description: "a"}
  - {name: fresh-stopped, state: stopped, type: preview, description: "b"}
  - {name: fresh-cleared, state: cleared, protect: false}
  - name: "no"
    state: started
    start_time: "08:00"
    end_time: "17:30"
    options: {opt1: north, opt12: last}
    enable_edition: yes
  - {name: pinned-cleared, state: cleared, id: "78"}
"""


@contextmanager
def serving(seed: Seed) -> Iterator[str]:
    store = Store()
    store.seed(seed.campaigns, seed.skills)
    server = SimulatorServer("127.0.0.1", 0, SimulatorConfig(tokens=frozenset({TOKEN})), store)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server.url
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        store.close()


def exit_code(args: list[str]) -> int | str | None:
    """`main(args)` in-process: its exit code (0 when it returns)."""
    try:
        main(args)
    except SystemExit as exit_:
        return exit_.code
    return 0


def live(url: str) -> list[LiveCampaign]:
    with WolkvoxClient(endpoint_base_url(url), Secret(TOKEN)) as client:
        return client.list_campaigns()


def test_seed_from_manifest_makes_live_equal_the_manifests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SALES_WAVE", raising=False)
    varied = tmp_path / "varied.yaml"
    varied.write_text(VARIED)
    paths = [EXAMPLE, str(varied)]
    with serving(seed_from_manifests(paths)) as url:
        campaigns = live(url)
        plan = make_plan(load(paths), campaigns)
        raw = httpx.get(f"{url}/api/v2/information.php?api=campaigns", headers=HEADERS).json()
        skills = httpx.get(f"{url}/api/v2/information.php?api=skills", headers=HEADERS).json()
        by_name = {c.name: c for c in campaigns}
        config = httpx.put(
            f"{url}/api/v2/campaign.php?api=edit_campaign&campaign_id={by_name['no'].campaign_id}",
            headers=HEADERS,
            json={"campaign_description": ""},
        ).json()["data"][0]
    assert plan.errors == () and plan.warnings == ()
    # the simulator holds the fields the list cannot show, but no apply recorded them:
    # each is sent once (an edit), and nothing else differs
    assert {a.kind.value for a in plan.actions} == {"edit"}
    assert {before for a in plan.actions for _, before, _ in a.changes} == {"not recorded"}
    assert len(campaigns) == 13
    # pinned ids kept, the others fresh and distinct
    assert by_name["collections-q4"].campaign_id == "4638"
    assert (by_name["pinned-started"].campaign_id, by_name["pinned-cleared"].campaign_id) == (
        "77",
        "78",
    )
    assert len({c.campaign_id for c in campaigns}) == 13
    assert by_name["pinned-started"].status is LiveStatus.STARTED
    assert by_name["fresh-stopped"].status is LiveStatus.STOPPED
    assert (by_name["fresh-cleared"].status, by_name["fresh-cleared"].records) == (
        LiveStatus.STOPPED,
        0,
    )
    skill_of = {r["campaign_name"]: r["skill_id"] for r in raw["data"]}
    assert skill_of["pinned-started"] == "0420" and skill_of["survey-nps"] == "3001"
    assert {"0420", "1001", "1004", "2010", "2011", "2012", "3001"} == {
        s["skill_id"] for s in skills["data"]
    }
    # what the list cannot show is stored as declared
    assert (config["start_time"], config["end_time"], config["enable_edition"]) == (
        "08:00:00",
        "17:30:00",
        "yes",
    )
    assert config["optional_labels"]["opt12"] == "last"
    assert config["optional_labels"]["opt1"] == "north"


def test_the_readmes_recipe_with_the_example_seed_converges(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SALES_WAVE", raising=False)
    monkeypatch.setenv("WOLKVOX_TOKEN", TOKEN)
    monkeypatch.delenv("NO_COLOR", raising=False)
    with serving(load_seed(EXAMPLE_SEED)) as url:
        monkeypatch.setenv("WOLKVOX_ENDPOINT", url)
        plan = make_plan(load([EXAMPLE]), live(url))
        assert plan.errors == ()
        assert [(a.kind.value, a.campaign) for a in plan.actions] == [
            ("stop", "collections-legal"),
            ("stop", "collections-q3"),
            ("clear", "collections-q3"),
            ("create", "collections-early"),
            ("create", "sales-winback"),
            # the fields the list cannot show, which no apply recorded yet: sent once
            ("edit", "blackfriday-2025"),
            ("edit", "collections-legal"),
            ("edit", "collections-q3"),
            ("edit", "collections-q4"),
            ("edit", "sales-upsell-w1"),
            ("edit", "survey-nps"),  # its description drifted too
            ("start", "collections-early"),
            ("start", "collections-q4"),
        ]
        assert {w.kind for w in plan.warnings} == {"unmanaged"}
        state = ["--state-dir", str(tmp_path)]
        for args, code in (
            (["apply", EXAMPLE, "--auto-approve", *state], 0),
            (["plan", EXAMPLE, "--detailed-exitcode", "--no-color", *state], 0),
        ):
            assert exit_code(args) == code, capsys.readouterr()
    assert "No changes." in capsys.readouterr().out


@pytest.mark.e2e
def test_simulate_seed_from_manifest_then_one_apply_of_unrecorded_fields(tmp_path: Path) -> None:
    """Live is the manifests, but no apply recorded the fields the list cannot show: the
    first plan sends them once (edits only), and after that apply: "No changes."."""
    sim = Simulator(tmp_path, ["--port", "0", "--seed-from-manifest", EXAMPLE], "simulator-token")
    state = ("--state-dir", str(tmp_path / "state"))
    try:
        first = run_cli("plan", EXAMPLE, "--detailed-exitcode", *state, env=sim.env)
        applied = run_cli("apply", EXAMPLE, "--auto-approve", *state, env=sim.env)
        again = run_cli("plan", EXAMPLE, "--detailed-exitcode", *state, env=sim.env)
    finally:
        assert sim.stop() == 0
    assert first.returncode == 2, first.stdout + first.stderr
    changed = [line.split()[1] for line in first.stdout.splitlines() if line.startswith("  ~ ")]
    assert changed and set(changed) == {"edit"} and "not recorded →" in first.stdout
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert again.returncode == 0, again.stdout + again.stderr
    assert "No changes." in again.stdout


def test_a_state_file_of_an_older_simulator_is_a_clear_error(tmp_path: Path) -> None:
    import sqlite3

    old = tmp_path / "old.sqlite"
    with sqlite3.connect(old) as conn:  # the campaigns table before skill_id and the lag
        conn.execute("CREATE TABLE campaigns (campaign_id INTEGER PRIMARY KEY, settings TEXT)")
    result = run_cli("simulate", "--port", "0", "--state", str(old))
    assert result.returncode == 1
    assert f"cannot open the state file {old}: it was written by an older simulator" in (
        result.stderr
    )
