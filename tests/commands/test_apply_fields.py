"""The whole campaign as code, end to end: fields edited in place, speed, rename by id,
delete; the vendor's quota and skills checked first. The installed CLI against the
simulator on a real socket."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import Simulator, row, run_cli

pytestmark = pytest.mark.e2e

StartSimulator = Callable[..., Simulator]
TOKEN = "fields-e2e-SECRET-0c9d"

SEED = {
    "campaigns": [
        row("21", "north", "predictive", "Started", 5, "north calls"),
        row("22", "south", "preview", "Stopped", 0, "south calls"),
        row("23", "old-name", "preview", "Stopped", 0, ""),
        row("24", "retired", "preview", "Started", 9, ""),
    ],
    "skills": [
        {"skill_id": "1001", "skill_name": "sales"},
        {"skill_id": "1002", "skill_name": "care"},
    ],
}

BEFORE = """\
version: 1
operation: {unmanaged: warn}
campaigns:
  - {name: north, type: predictive, state: started, description: north calls,
     start_time: "08:00", end_time: "18:00", options: {opt1: north}}
  - {name: south, type: preview, state: stopped, description: south calls}
  - {name: old-name, type: preview, state: stopped, id: "23"}
  - {name: retired, type: preview, state: started}
"""

AFTER = """\
version: 1
operation: {unmanaged: warn}
campaigns:
  - {name: north, type: predictive, state: started, description: north calls,
     start_time: "09:00", end_time: "17:30", options: {opt1: north-east}, speed: 40,
     turbo_dial: true}
  - {name: south, type: predictive, state: stopped, description: the south}
  - {name: renamed, type: preview, state: stopped, id: "23"}
  - {name: retired, type: preview, state: absent}
"""


def cli(sim: Simulator, *args: str) -> tuple[int, str]:
    result = run_cli(*args, env=sim.env)
    assert TOKEN not in result.stdout + result.stderr
    return result.returncode, result.stdout + result.stderr


def listed(sim: Simulator) -> dict[str, dict[str, str]]:
    return {r["campaign_id"]: r for r in sim.campaigns()}


def scenario(sim: Simulator, tmp_path: Path) -> Path:
    """Bring the operation under management with BEFORE (its window and label sent once,
    so they are on record), then change every kind of field in AFTER."""
    manifest = tmp_path / "campaigns.yaml"
    manifest.write_text(BEFORE)
    code, out = cli(sim, "apply", str(manifest), "--auto-approve", "--resend-fields")
    assert code == 0, out
    manifest.write_text(AFTER)
    return manifest


def test_every_field_changes_in_place_and_the_second_plan_has_nothing_to_do(
    simulator: StartSimulator, tmp_path: Path
) -> None:
    sim = simulator(SEED, "--token", TOKEN)
    manifest = scenario(sim, tmp_path)
    code, out = cli(sim, "plan", str(manifest), "--json")
    assert code == 0, out
    plan = json.loads(out[: out.rindex("}") + 1])
    assert [(a["action"], a["campaign"], a["campaign_id"]) for a in plan["actions"]] == [
        ("stop", "retired", "24"),
        ("delete", "retired", "24"),
        ("edit", "north", "21"),
        ("edit", "renamed", "23"),
        ("edit", "south", "22"),
        ("speed", "north", "21"),
    ]
    edits = {a["campaign"]: a["params"] for a in plan["actions"] if a["action"] == "edit"}
    assert edits == {
        "north": {
            "turbo_dial": "yes",
            "start_time": "09:00:00",
            "end_time": "17:30:00",
            "optional_labels": {"opt1": "north-east"},
        },
        "renamed": {"campaign_name": "renamed"},
        "south": {"type_camp": "Predictive", "campaign_description": "the south"},
    }
    text = cli(sim, "plan", str(manifest))[1]
    assert "  - delete retired [preview, id 24]: desired absent; irreversible" in text
    assert "start_time: last applied '08:00:00' → '09:00:00'" in text
    assert "name: live 'old-name' → 'renamed'" in text

    refused = cli(sim, "apply", str(manifest), "--auto-approve")
    assert refused[0] == 1 and "--max-deletes 0" in refused[1]
    code, out = cli(sim, "apply", str(manifest), "--auto-approve", "--max-deletes", "1")
    assert code == 0, out
    # the list + token_info + 6 actions
    assert "Apply: 6 done, 0 failed, 0 skipped. 8 API calls used." in out
    rows = listed(sim)
    assert "24" not in rows
    assert (rows["21"]["speed"], rows["21"]["turbo_dial"]) == ("40", "on")
    assert (rows["22"]["type_campaign"], rows["22"]["campaign_description"]) == (
        "predictive",
        "the south",
    )
    assert rows["23"]["campaign_name"] == "renamed"
    code, out = cli(sim, "plan", str(manifest), "--detailed-exitcode")
    assert code == 0 and "No changes." in out, out


def test_with_faults_on_it_converges_without_a_duplicate_or_a_lost_edit(
    simulator: StartSimulator, tmp_path: Path
) -> None:
    sim = simulator(
        SEED, "--token", TOKEN, "--fail-rate", "0.2", "--drop-after-commit-rate", "0.2",
        "--random-seed", "7",
    )  # fmt: skip
    manifest = tmp_path / "campaigns.yaml"
    manifest.write_text(BEFORE)
    for text in (BEFORE, AFTER):
        manifest.write_text(text)
        for _ in range(8):
            code, _out = cli(sim, "apply", str(manifest), "--auto-approve", "--max-deletes", "1",
                             "--resend-fields")  # fmt: skip
            if code == 0 and cli(sim, "plan", str(manifest), "--detailed-exitcode")[0] == 0:
                break
        else:
            raise AssertionError(f"did not converge on {text[:40]!r}")
    names = Counter(r["campaign_name"] for r in sim.campaigns())
    assert names == Counter({"north": 1, "south": 1, "renamed": 1})
    rows = listed(sim)
    assert (rows["21"]["speed"], rows["21"]["turbo_dial"]) == ("40", "on")


def test_a_plan_over_the_quota_is_refused_before_any_change(
    simulator: StartSimulator, tmp_path: Path
) -> None:
    sim = simulator(SEED, "--token", TOKEN, "--daily-quota", "12")
    manifest = scenario(sim, tmp_path)  # spends 3 + 3 calls (the resend edit of north…)
    before = sim.campaigns()
    code, out = cli(sim, "plan", str(manifest), "--check-quota")
    assert "Budget: 8 API calls," in out
    code, out = cli(sim, "apply", str(manifest), "--auto-approve", "--max-deletes", "1")
    assert code == 1 and "but the token has" in out and "nothing was executed" in out
    assert sim.campaigns() == before


def test_an_unknown_skill_is_a_located_error_before_any_call_changes_anything(
    simulator: StartSimulator, tmp_path: Path
) -> None:
    sim = simulator(SEED, "--token", TOKEN)
    manifest = tmp_path / "campaigns.yaml"
    manifest.write_text(
        "version: 1\ncampaigns:\n"
        "  - {name: fresh, type: preview, state: stopped, skill_id: '1001'}\n"
        "  - {name: typo, type: preview, state: stopped, skill_id: '9999'}\n"
    )
    code, out = cli(sim, "plan", str(manifest))
    assert code == 1
    assert f"! typo: {manifest}:4:6: skill_id 9999 is not one of the operation's 2 skills" in out
    assert "[unknown-skill]" in out and "+ create fresh" in out
    assert "create typo" not in out


def test_an_empty_skills_list_is_a_warning_never_a_blocked_create(
    simulator: StartSimulator, tmp_path: Path
) -> None:
    sim = simulator({"campaigns": SEED["campaigns"]}, "--token", TOKEN)  # no skills seeded
    manifest = tmp_path / "campaigns.yaml"
    manifest.write_text(
        "version: 1\noperation: {unmanaged: ignore}\ncampaigns:\n"
        "  - {name: fresh, type: preview, state: stopped, skill_id: '1001'}\n"
    )
    code, out = cli(sim, "plan", str(manifest), "--detailed-exitcode")
    assert code == 2, out
    assert f"fresh: {manifest}:4:6: skill_id 1001 not verified" in out
    assert "[skills-unverified]" in out and "+ create fresh" in out
    code, out = cli(sim, "apply", str(manifest), "--auto-approve")
    assert code == 0, out
    assert [r["campaign_name"] for r in sim.campaigns()].count("fresh") == 1


@pytest.mark.parametrize("amd", ["none", "default", "COL"])
def test_amd_on_a_new_predictive_campaign_is_planned_as_apply_sends_it(
    simulator: StartSimulator, tmp_path: Path, amd: str
) -> None:
    sim = simulator({"campaigns": []}, "--token", TOKEN)
    manifest = tmp_path / "campaigns.yaml"
    manifest.write_text(
        "version: 1\ncampaigns:\n"
        f"  - {{name: dialer, type: predictive, state: stopped, amd: {amd}}}\n"
    )
    code, out = cli(sim, "plan", str(manifest), "--detailed-exitcode")
    assert code == 2, out
    # a country code rides on the create; default and none (which create refuses) are an
    # edit right after it
    edit = f"~ edit   dialer [predictive, id (known after create)]: amd: new → '{amd}'"
    assert (edit in out) is (amd != "COL"), out
    code, out = cli(sim, "apply", str(manifest), "--auto-approve")
    assert code == 0, out
    [created] = sim.campaigns()
    assert created["campaign_name"] == "dialer"
    code, out = cli(sim, "plan", str(manifest), "--detailed-exitcode")
    assert (code, out.strip()) == (0, "No changes."), out
