"""`plan` end to end: the installed CLI against the simulator on a real socket."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconciler.plan.saved import read_plan, validate_plan_dict
from tests.helpers import Simulator, row, run_cli

pytestmark = pytest.mark.e2e

StartSimulator = Callable[..., Simulator]

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "e2e-secret-token-4c1d"

MANIFEST = """\
version: 1
operation:
  unmanaged: warn
campaigns:
  - name: inbound-a
    type: preview
    state: started
    description: first
  - name: outbound-b
    type: predictive
    state: cleared
    description: second
  - name: brand-new
    type: preview
    state: started
    description: third
  - name: quiet-c
    type: preview
    state: stopped
    description: fourth
"""


SEED = {
    "campaigns": [
        row("11", "inbound-a", "preview", "Stopped", 5, "first"),
        row("12", "outbound-b", "predictive", "Started", 40, "second"),
        row("13", "quiet-c", "preview", "Stopped", 0, "old words"),
        row("14", "by-hand", "preview", "Started", 3, ""),
    ]
}


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    path = tmp_path / "campaigns.yaml"
    path.write_text(MANIFEST)
    return path


@pytest.fixture
def sim(simulator: StartSimulator) -> Simulator:
    return simulator(SEED, "--token", TOKEN)


def plan(
    sim: Simulator, *args: str, process: bool = False, env: dict[str, str] | None = None
) -> Any:
    return run_cli("plan", *args, env={**sim.env, **(env or {})}, process=process)


def test_text_plan_shows_every_action_in_order_and_changes_nothing(
    sim: Simulator, manifest: Path
) -> None:
    before = sim.campaigns()
    result = plan(sim, str(manifest))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    actions = [line for line in lines if line.startswith(("  ~ ", "  - ", "  + "))]
    assert actions == [
        "  ~ stop   outbound-b [predictive, id 12]: desired cleared; stops live campaign "
        "'outbound-b' (id 12, Started, 40 records)",
        "  - clear  outbound-b [predictive, id 12]: desired cleared; deletes the records of "
        "live campaign 'outbound-b' (id 12, Started, 40 records)",
        "  + create brand-new [preview, id (new)]: not live, desired started",
        "  ~ edit   quiet-c [preview, id 13]: description: live 'old words' → 'fourth'",
        "  ~ start  brand-new [preview, id (known after create)]: created by this plan, "
        "desired started",
        "  ~ start  inbound-a [preview, id 11]: live Stopped, desired started",
    ]
    assert "  ? by-hand: live campaign 14" in result.stdout
    assert lines[-1] == (
        "Plan: 1 to create, 1 to edit, 2 to start, 1 to stop, 1 to clear. 8 API calls."
    )
    assert "\x1b[" not in result.stdout  # NO_COLOR (set by run_cli) is respected
    assert sim.campaigns() == before
    assert TOKEN not in result.stdout + result.stderr


def test_the_plan_makes_exactly_one_api_call(simulator: StartSimulator, manifest: Path) -> None:
    # a daily quota of one request: the plan must fit in it, and must have spent it
    sim = simulator(SEED, "--token", TOKEN, "--daily-quota", "1")
    result = plan(sim, str(manifest))
    assert result.returncode == 0, result.stderr
    assert "Plan: 1 to create" in result.stdout
    refused = sim.request("GET", "/api/v2/information.php?api=campaigns")
    assert refused.status_code == 403


def test_json_output_validates_against_the_schema(sim: Simulator, manifest: Path) -> None:
    result = plan(sim, str(manifest), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert validate_plan_dict(data) == []
    assert [(a["action"], a["campaign"], a["campaign_id"]) for a in data["actions"]] == [
        ("stop", "outbound-b", "12"),
        ("clear", "outbound-b", "12"),
        ("create", "brand-new", None),
        ("edit", "quiet-c", "13"),
        ("start", "brand-new", None),
        ("start", "inbound-a", "11"),
    ]
    assert data["actions"][2]["params"]["campaign_description"] == "third"
    assert data["actions"][3]["params"] == {"campaign_description": "fourth"}
    assert data["actions"][3]["changes"] == [
        {"field": "description", "before": "live 'old words'", "after": "'fourth'"}
    ]
    assert data["summary"] == {
        "stop": 1, "delete": 0, "clear": 1, "create": 1, "edit": 1, "speed": 0, "start": 2
    }  # fmt: skip
    assert data["api_calls"] == 8
    assert {(w["campaign"], w["kind"]) for w in data["warnings"]} == {("by-hand", "unmanaged")}
    assert data["operation"]["endpoint"] == sim.url
    assert data["operation"]["token_env"] == "WOLKVOX_TOKEN"
    assert TOKEN not in result.stdout


def test_markdown_output_is_a_pull_request_comment(sim: Simulator, manifest: Path) -> None:
    result = plan(sim, str(manifest), "--markdown")
    assert result.returncode == 0, result.stderr
    md = result.stdout
    assert "**Plan: 1 to create, 1 to edit, 2 to start, 1 to stop, 1 to clear. 8 API calls.**" in md
    assert (
        "| `-` | clear | outbound-b | predictive | 12 | desired cleared; deletes the records "
        "of live campaign 'outbound-b' (id 12, Started, 40 records) |"
    ) in md
    assert "| `?` | warning: unmanaged | by-hand |" in md
    assert "<details>" in md


def test_out_saves_the_plan_apply_reads(sim: Simulator, manifest: Path, tmp_path: Path) -> None:
    out = tmp_path / "plans" / "plan.json"
    out.parent.mkdir()
    result = plan(sim, str(manifest), "--out", str(out), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(out.read_text()) == json.loads(result.stdout)
    saved = read_plan(out)
    assert {f.campaign: f.campaign_id for f in saved.plan.fingerprints} == {
        "inbound-a": "11",
        "outbound-b": "12",
        "brand-new": None,
        "quiet-c": "13",
    }
    assert saved.paths == (str(manifest),)
    assert [m.path for m in saved.manifests] == [str(manifest)]
    assert saved.signature and saved.signature.startswith("hmac-sha256:")
    assert TOKEN not in out.read_text()
    assert sorted(p.name for p in out.parent.iterdir()) == ["plan.json"]  # no temp file left


def test_detailed_exitcode(simulator: StartSimulator, manifest: Path) -> None:
    sim = simulator(SEED, "--token", TOKEN)
    changes = plan(sim, str(manifest), "--detailed-exitcode")
    assert changes.returncode == 2, changes.stderr
    assert "Plan: 1 to create" in changes.stdout
    in_sync = simulator(
        {
            "campaigns": [
                row("11", "inbound-a", "preview", "Started", 5, "first"),
                row("12", "outbound-b", "predictive", "Stopped", 0, "second"),
                row("20", "brand-new", "preview", "Started", 0, "third"),
                row("13", "quiet-c", "preview", "Stopped", 0, "fourth"),
            ]
        },
        "--token",
        TOKEN,
    )
    none = plan(in_sync, str(manifest), "--detailed-exitcode")
    assert none.returncode == 0, none.stderr
    assert none.stdout == "No changes.\n"
    assert plan(in_sync, str(manifest)).returncode == 0


def test_a_plan_with_errors_prints_them_and_exits_1(
    simulator: StartSimulator, manifest: Path
) -> None:
    sim = simulator(
        {
            "campaigns": [
                row("11", "inbound-a", "preview", "Started", 5, "first"),
                row("15", "inbound-a", "preview", "Started", 0, "first"),
                row("12", "outbound-b", "preview", "Stopped", 0, "second"),
            ]
        },
        "--token",
        TOKEN,
    )
    out = manifest.parent / "plan.json"
    for extra in ([], ["--detailed-exitcode"]):
        result = plan(sim, str(manifest), "--out", str(out), *extra)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "! inbound-a: 2 live campaigns are named 'inbound-a' (ids 11, 15)" in result.stdout
        # a type that differs is an edit now, not an error
        assert "~ edit   outbound-b [preview, id 12]: type: live preview → predictive" in (
            result.stdout
        )
        assert "Error: the plan has 1 error" in result.stderr
        assert "Traceback" not in result.stderr
    # the saved plan is this one, errors included, so apply refuses it instead of the old one
    assert [e.kind.value for e in read_plan(out).plan.errors] == ["duplicate-live-name"]


def test_a_failed_plan_removes_nothing_and_its_older_plan_cannot_be_misapplied(
    sim: Simulator, manifest: Path, tmp_path: Path
) -> None:
    out = tmp_path / "plan.json"
    live_before = sim.campaigns()
    assert plan(sim, str(manifest), "--out", str(out)).returncode == 0
    before = out.read_bytes()
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\ncampaigns: [{name: x, state: sideways}]\n")
    assert plan(sim, str(bad), "--out", str(out)).returncode == 1
    wrong_token = run_cli(
        "plan", str(manifest), "--out", str(out), env={**sim.env, "WOLKVOX_TOKEN": "x"}
    )
    assert wrong_token.returncode == 1
    assert out.read_bytes() == before  # replaced only by a plan that was made
    # the older plan is no danger: once the manifests moved, apply refuses it
    manifest.write_text(manifest.read_text().replace("description: fourth", "description: 4th"))
    stale = run_cli("apply", "--plan", str(out), str(manifest), "--auto-approve", env=sim.env)
    assert stale.returncode == 1, stale.stdout + stale.stderr
    assert sim.campaigns() == live_before


@pytest.mark.parametrize("token", [None, TOKEN])
def test_out_never_replaces_a_file_that_is_not_a_saved_plan(
    sim: Simulator, manifest: Path, tmp_path: Path, token: str | None
) -> None:
    notes = tmp_path / "NOTES.txt"
    notes.write_text("my notes")
    journal = tmp_path / "journal.jsonl"
    journal.write_text('{"event": "run-start"}\n')
    env = {**sim.env} if token else {k: v for k, v in sim.env.items() if k != "WOLKVOX_TOKEN"}
    for victim in (notes, journal):
        before = victim.read_bytes()
        result = run_cli("plan", str(manifest), "--out", str(victim), env=env)
        assert result.returncode != 0, result.stdout
        assert victim.read_bytes() == before
        if token:
            assert "is not a saved plan: refusing to overwrite it" in result.stderr


def test_out_may_not_be_a_manifest(sim: Simulator, manifest: Path) -> None:
    before = manifest.read_text()
    result = plan(sim, str(manifest), "--out", str(manifest))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "is one of the manifests" in result.stderr
    assert manifest.read_text() == before


def test_threshold_options_warn_when_apply_would_refuse(sim: Simulator, manifest: Path) -> None:
    strict = plan(sim, str(manifest), "--max-clears", "0")
    assert strict.returncode == 0, strict.stderr
    assert "? apply will refuse without approval: the plan clears the records of 1" in (
        strict.stdout
    )
    assert "--force" not in plan(sim, str(manifest)).stdout
    # 1 of the 2 Started campaigns stops: 50 %, counted only from --min-campaigns live ones
    small = plan(sim, str(manifest), "--min-campaigns", "4", "--max-stop-pct", "40")
    assert "the plan stops 1 of 2 started campaigns (50 %" in small.stdout


def test_target_and_exclude_make_a_partial_plan(sim: Simulator, manifest: Path) -> None:
    result = plan(
        sim, str(manifest), "--target", "*-b", "--target", "brand-*", "--exclude", "brand-new"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Partial plan (--target *-b --target brand-* --exclude")
    assert "outbound-b" in result.stdout
    assert "brand-new" not in result.stdout.split("\n", 1)[1]
    assert "by-hand" not in result.stdout  # unmanaged campaigns are not checked
    assert "Plan: 0 to create, 0 to start, 1 to stop, 1 to clear. 4 API calls." in result.stdout


def test_wrong_token_is_a_clear_error_without_the_token(sim: Simulator, manifest: Path) -> None:
    result = run_cli(
        "plan", str(manifest), "-vv", env={**sim.env, "WOLKVOX_TOKEN": "not-the-right-one"}
    )
    assert result.returncode == 1
    assert "campaigns failed" in result.stderr
    assert "not-the-right-one" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_verbose_logs_never_show_the_token(sim: Simulator, manifest: Path) -> None:
    result = plan(sim, str(manifest), "-vv", process=True)
    assert result.returncode == 0, result.stderr
    assert TOKEN not in result.stdout + result.stderr


def test_a_token_in_a_live_value_never_reaches_the_output(
    simulator: StartSimulator, manifest: Path, tmp_path: Path
) -> None:
    # someone pasted the token into a description in the console: the drift warning
    # quotes it, and neither the printed plans nor the saved one may show it
    leaky = row("13", "quiet-c", "preview", "Stopped", 0, f"token is {TOKEN}")
    sim = simulator({"campaigns": [*SEED["campaigns"][:2], leaky]}, "--token", TOKEN)
    out = tmp_path / "plan.json"
    for fmt in ([], ["--json"], ["--markdown"]):
        result = plan(sim, str(manifest), *fmt, "--out", str(out), process=True)
        assert result.returncode == 0, result.stderr
        assert "token is ***" in result.stdout
        assert TOKEN not in result.stdout + result.stderr + out.read_text()


def test_bad_manifest_is_located_and_makes_no_call(sim: Simulator, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\ncampaigns:\n  - name: x\n    type: robocall\n    state: started\n")
    result = plan(sim, str(bad))
    assert result.returncode == 1
    assert f"{bad}:4:" in result.stderr
    assert "Traceback" not in result.stderr


def test_json_and_markdown_together_is_a_usage_error(sim: Simulator, manifest: Path) -> None:
    result = plan(sim, str(manifest), "--json", "--markdown")
    assert result.returncode == 2
    assert "exclusive" in result.stderr


def test_example_manifest_plans_against_the_simulator(simulator: StartSimulator) -> None:
    sim = simulator(
        {
            "campaigns": [
                row("4638", "collections-q4", "predictive", "Stopped", 40, "x"),
                row("4641", "collections-q3", "predictive", "Started", 300, "x"),
            ],
            "skills": [
                {"skill_id": s, "skill_name": s}
                for s in ("1001", "1004", "2010", "2011", "2012", "3001")
            ],
        },
        "--token",
        TOKEN,
    )
    result = plan(sim, str(ROOT / "examples" / "campaigns.yaml"), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert ("start", "collections-q4", "4638") in {
        (a["action"], a["campaign"], a["campaign_id"]) for a in data["actions"]
    }
    assert data["summary"]["clear"] == 1 and data["summary"]["create"] == 6


def test_timeout_gives_up_on_a_slow_api_with_a_clear_error(
    simulator: StartSimulator, manifest: Path
) -> None:
    slow = simulator(SEED, "--token", TOKEN, "--latency-ms", "1500")
    result = run_cli(
        "plan", str(manifest), "--timeout", "0.2", env={**slow.env, "WOLKVOX_TIMEOUT": "30"}
    )
    assert result.returncode == 1
    assert "no answer within 0.2 s" in result.stderr
    assert "Traceback" not in result.stderr
    assert TOKEN not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--bogus"], {}),
        ([], {"WOLKVOX_TIMEOUT": "0"}),
        (["--json", "--markdown"], {}),
    ],
    ids=["unknown-option", "bad-timeout", "options-that-cannot-go-together"],
)
def test_a_usage_error_under_detailed_exitcode_is_1_never_changes(
    simulator: StartSimulator, manifest: Path, args: list[str], env: dict[str, str]
) -> None:
    sim = simulator(SEED, "--token", TOKEN)
    detailed = plan(sim, str(manifest), "--detailed-exitcode", *args, env=env)
    assert detailed.returncode == 1, detailed.stdout + detailed.stderr
    assert "Traceback" not in detailed.stderr
    plain = plan(sim, str(manifest), *args, env=env)
    assert plain.returncode == 2, plain.stdout + plain.stderr  # click's convention


def test_a_terminal_that_cannot_encode_gets_replacements_not_a_crash(
    simulator: StartSimulator, tmp_path: Path
) -> None:
    sim = simulator(SEED, "--token", TOKEN)
    odd = tmp_path / "odd.yaml"
    odd.write_text(
        'version: 1\ncampaigns:\n  - {name: "a→b", type: preview, state: started}\n',
        encoding="utf-8",
    )
    for extra in ([], ["--json"], ["--markdown"]):
        result = plan(
            sim,
            str(odd),
            "--detailed-exitcode",
            *extra,
            env={"PYTHONIOENCODING": "cp1252"},
            process=True,
        )
        assert result.returncode == 2, result.stderr
        assert "a?b" in result.stdout or "a\\u2192b" in result.stdout


def test_no_unlisted_environment_variable_reaches_a_plan(
    simulator: StartSimulator, tmp_path: Path
) -> None:
    sim = simulator(SEED, "--token", TOKEN)
    leak = "ghp_0123456789abcdefLEAK"
    manifest = tmp_path / "campaigns.yaml"
    manifest.write_text(
        "version: 1\noperation: {unmanaged: ignore}\ncampaigns:\n"
        '  - {name: a, type: preview, state: stopped, description: "note ${OTHER_SECRET}"}\n'
    )
    for extra in ([], ["--json"], ["--markdown"]):
        result = plan(sim, str(manifest), *extra, env={"OTHER_SECRET": leak})
        assert result.returncode == 1, result.stdout + result.stderr
        assert f"{manifest}:4:" in result.stderr and "operation.variables" in result.stderr
        assert leak not in result.stdout + result.stderr
    # listed by name, or under the documented prefix, it is the manifests' to read
    manifest.write_text(
        manifest.read_text()
        .replace("unmanaged: ignore", "unmanaged: ignore, variables: [NOTE]")
        .replace("${OTHER_SECRET}", "${NOTE} ${WOLKVOX_VAR_WAVE}")
    )
    result = plan(sim, str(manifest), "--json", env={"NOTE": "hello", "WOLKVOX_VAR_WAVE": "w2"})
    assert result.returncode == 0, result.stderr
    assert "note hello w2" in result.stdout
