"""`apply` end to end where trust is at stake: a saved plan crossing people and caches, two
applies of one operation at once. The installed CLI against the simulator on a real socket."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from tests.helpers import CLI, Simulator, row, run_cli

pytestmark = pytest.mark.e2e

StartSimulator = Callable[..., Simulator]
TOKEN = "trust-e2e-SECRET-5c4d"
OTHER_SECRET = "other-SECRET-never-sent-91"

MANIFEST = """\
version: 1
operation: {unmanaged: warn}
campaigns:
  - {name: inbound-a, type: preview, state: started}
  - {name: vip, type: preview, state: stopped, protect: true}
"""
SEED = {
    "campaigns": [
        row("11", "inbound-a", "preview", "Stopped", 5, ""),
        row("12", "vip", "preview", "Stopped", 30, ""),
        row("13", "by-hand", "preview", "Stopped", 50, ""),
    ]
}


class Counting(BaseHTTPRequestHandler):
    """A foreign host: counts whatever reaches it, and the tokens it was sent."""

    seen: ClassVar[list[tuple[str, str]]] = []

    def _any(self) -> None:
        Counting.seen.append((self.path, self.headers.get("wolkvox-token", "")))
        self.send_response(500)
        self.end_headers()

    do_GET = do_PUT = do_POST = do_DELETE = _any

    def log_message(self, format: str, *args: object) -> None:
        return None


@pytest.fixture
def foreign() -> Iterator[str]:
    Counting.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def counts(sim: Simulator) -> Counter[str]:
    return Counter(r["campaign_name"] for r in sim.campaigns())


def records(sim: Simulator) -> dict[str, str]:
    return {r["campaign_name"]: r["records"] for r in sim.campaigns()}


def test_a_tampered_saved_plan_is_refused_and_changes_nothing(
    simulator: StartSimulator, tmp_path: Path
) -> None:
    sim = simulator(SEED, "--token", TOKEN)
    manifest = tmp_path / "m.yaml"
    manifest.write_text(MANIFEST)
    plan_file = tmp_path / "p.json"
    made = run_cli("plan", str(manifest), "--out", str(plan_file), env=sim.env)
    assert made.returncode == 0, made.stderr
    data = json.loads(plan_file.read_text())
    for cid, name in (("12", "vip"), ("13", "by-hand")):  # a protected and an unmanaged one
        data["actions"].insert(
            0,
            {"action": "clear", "campaign": name, "type": "preview", "campaign_id": cid,
             "reason": "x", "why": "records"},
        )  # fmt: skip
    plan_file.write_text(json.dumps(data))
    result = run_cli("apply", "--plan", str(plan_file), "--auto-approve", env=sim.env)
    assert result.returncode == 1
    assert "altered after it was written" in result.stderr
    assert records(sim) == {"inbound-a": "5", "vip": "30", "by-hand": "50"}
    assert TOKEN not in result.stdout + result.stderr


def test_a_plan_file_cannot_send_the_token_to_another_host(
    simulator: StartSimulator, tmp_path: Path, foreign: str
) -> None:
    sim = simulator(SEED, "--token", TOKEN)
    manifest = tmp_path / "m.yaml"
    manifest.write_text(MANIFEST)
    plan_file = tmp_path / "p.json"
    assert run_cli("plan", str(manifest), "--out", str(plan_file), env=sim.env).returncode == 0
    data = json.loads(plan_file.read_text())
    data["operation"].update(endpoint=foreign, token_env="MY_OTHER_SECRET")
    plan_file.write_text(json.dumps(data))
    env = {"WOLKVOX_TOKEN": TOKEN, "MY_OTHER_SECRET": OTHER_SECRET}
    for extra in ({}, {"WOLKVOX_ENDPOINT": sim.url}):  # without and with an endpoint
        result = run_cli("apply", "--plan", str(plan_file), "--auto-approve", env=env | extra)
        assert result.returncode == 1, result.stdout
        assert OTHER_SECRET not in result.stdout + result.stderr
    assert Counting.seen == []  # nothing reached the foreign host


def test_two_checkouts_with_two_endpoint_spellings_never_apply_at_once(
    simulator: StartSimulator, tmp_path: Path
) -> None:
    sim = simulator({"campaigns": []}, "--token", TOKEN, "--latency-ms", "60")
    bulk = "version: 1\noperation: {unmanaged: ignore}\ncampaigns:\n" + "".join(
        f"  - {{name: bulk-{i:02d}, type: preview, state: started}}\n" for i in range(10)
    )
    port = sim.url.rsplit(":", 1)[-1]
    procs = []
    for checkout, host in (("one", "127.0.0.1"), ("two", "localhost")):
        (tmp_path / checkout).mkdir()
        (tmp_path / checkout / "m.yaml").write_text(bulk)
        env = {k: v for k, v in os.environ.items() if not k.startswith("WOLKVOX_")}
        env.update(WOLKVOX_TOKEN=TOKEN, WOLKVOX_ENDPOINT=f"http://{host}:{port}", NO_COLOR="1")
        procs.append(
            subprocess.Popen(
                [CLI, "apply", "m.yaml", "--auto-approve", "--lock-timeout", "60s"],
                cwd=tmp_path / checkout,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                text=True,
            )
        )
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert sum("Nothing to apply." in out for out, _ in outputs) == 1  # one waited, then had none
    assert max(counts(sim).values()) == 1 and len(counts(sim)) == 10


@pytest.mark.slow
def test_200_creates_against_a_lagging_list_with_lost_answers_make_no_duplicate(
    simulator: StartSimulator, tmp_path: Path
) -> None:
    # the vendor commits, then the answer is lost (15 %); its list shows a new campaign only
    # 0.2 s later: apply must adopt each one, never send its create again
    sim = simulator(
        {"campaigns": []},
        "--token", TOKEN, "--list-lag", "0.2", "--drop-after-commit-rate", "0.15",
        "--random-seed", "20261201",
    )  # fmt: skip
    manifest = tmp_path / "m.yaml"
    manifest.write_text(
        "version: 1\noperation: {unmanaged: ignore}\ncampaigns:\n"
        + "".join(f"  - {{name: c{i:03d}, type: preview, state: stopped}}\n" for i in range(200))
    )
    env = sim.env | {"WOLKVOX_CREATE_RECHECK": "350ms"}
    outputs = []
    for _ in range(4):
        result = run_cli("apply", str(manifest), "--auto-approve", "--concurrency", "2", env=env)
        outputs.append(result.stdout)
        if result.returncode == 0:
            break
    assert result.returncode == 0, result.stderr
    time.sleep(0.5)  # past the list's lag: every campaign is listed now
    created = counts(sim)
    assert len(created) == 200 and max(created.values()) == 1
    assert sum(out.count("adopted the campaign") for out in outputs) > 10
