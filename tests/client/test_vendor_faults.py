"""What the vendor is known to do beyond its pages, played by the simulator
(`--vendor-fault`), and answered by the CLI in one clear line each."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import Simulator, row, run_cli

pytestmark = pytest.mark.e2e

TOKEN = "tk-vendor-faults-9q8w7e"
SEED = {"campaigns": [row("11", "a", "preview", "Stopped", 2, "")]}
MANIFEST = """\
version: 1
operation: {unmanaged: ignore}
campaigns:
  - {name: a, type: preview, state: stopped, description: new words}
  - {name: fresh, type: preview, state: stopped}
"""


@pytest.mark.parametrize(
    ("fault", "command", "said"),
    [
        ("maintenance", "plan", "maintenance and backups: try again later"),
        ("unregistered-ip", "plan", "IP address is registered with wolkvox"),
        ("record-cap", "apply", "capacity its licences allow"),
    ],
)
def test_each_vendor_fault_is_one_clear_line(
    simulator: Callable[..., Simulator], tmp_path: Path, fault: str, command: str, said: str
) -> None:
    sim = simulator(SEED, "--token", TOKEN, "--vendor-fault", fault)
    manifest = tmp_path / "m.yaml"
    manifest.write_text(MANIFEST)
    extra = ["--auto-approve"] if command == "apply" else []
    result = run_cli(command, str(manifest), *extra, env=sim.env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert said in result.stdout + result.stderr
    assert "Traceback" not in result.stderr and TOKEN not in result.stdout + result.stderr


def test_codes_as_strings_on_some_endpoints_and_numbers_on_others(
    simulator: Callable[..., Simulator], tmp_path: Path
) -> None:
    sim = simulator(SEED, "--token", TOKEN, "--vendor-fault", "postman-codes")
    edit = sim.request("PUT", "/api/v2/campaign.php?api=edit_campaign",
                       json={"campaign_id": "11", "campaign_description": "x"})  # fmt: skip
    assert isinstance(edit.json()["code"], str)
    listed = sim.request("GET", "/api/v2/information.php?api=campaigns")
    assert isinstance(listed.json()["code"], int)
    manifest = tmp_path / "m.yaml"
    manifest.write_text(MANIFEST.replace("  - {name: fresh, type: preview, state: stopped}\n", ""))
    result = run_cli("apply", str(manifest), "--auto-approve", env=sim.env)
    assert result.returncode == 0, result.stdout + result.stderr
    again = run_cli("plan", str(manifest), "--detailed-exitcode", env=sim.env)
    assert again.returncode == 0, again.stdout
