from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

from reconciler.client.live import LiveCampaign
from reconciler.errors import PlanError, PlanMismatch
from reconciler.manifest.desired import Desired, Operation
from reconciler.plan.model import Finding, FindingKind
from reconciler.plan.planner import make_plan
from reconciler.plan.saved import (
    read_document,
    read_plan,
    verify_signature,
    write_plan,
)
from reconciler.secret import Secret
from reconciler.vocabulary import CampaignType, LiveStatus, Unmanaged
from tests.render.plans import TOKEN, document, four_kinds, saved


def test_round_trip(tmp_path: Path) -> None:
    plan = four_kinds()
    path = tmp_path / "plan.json"
    write_plan(saved(plan), path, TOKEN)
    back = read_plan(path)
    assert back.plan == plan
    assert back.operation == saved(plan).operation
    verify_signature(read_document(path), TOKEN, str(path))  # the writer's token accepts it


def test_write_replaces_atomically_and_leaves_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text("old")
    write_plan(saved(four_kinds()), path, TOKEN)
    assert json.loads(path.read_text())["format_version"] == 2
    assert os.listdir(tmp_path) == ["plan.json"]


def test_failed_write_keeps_the_old_file_and_says_which(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "plan.json"
    path.write_text("old")

    def broken_replace(src: str, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(PlanError, match=r"cannot write plan file .*plan.json: No space left"):
        write_plan(saved(four_kinds()), path, TOKEN)
    assert path.read_text() == "old"
    assert os.listdir(tmp_path) == ["plan.json"]


def test_write_into_a_missing_directory_is_a_plan_error(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="cannot write plan file"):
        write_plan(saved(four_kinds()), tmp_path / "nope" / "plan.json", TOKEN)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match=r"plan file .*gone.json not found"):
        read_plan(tmp_path / "gone.json")


def test_corrupt_json_is_located(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text('{"format_version": 1,\n  "actions": [}')
    with pytest.raises(PlanError, match=r"plan.json:2:\d+: not a plan file: invalid JSON"):
        read_plan(path)


def test_truncated_plan_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    write_plan(saved(four_kinds()), path, TOKEN)
    text = path.read_text()
    path.write_text(text[: len(text) // 2])
    with pytest.raises(PlanError, match="invalid JSON"):
        read_plan(path)


def test_foreign_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "package.json"
    path.write_text('{"name": "left-pad"}')
    with pytest.raises(PlanError, match="not a wolkvox-reconciler plan"):
        read_plan(path)


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.bin"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(PlanError, match="not UTF-8"):
        read_plan(path)


def test_other_format_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    data = document(four_kinds())
    data["format_version"] = 1
    path.write_text(json.dumps(data))
    with pytest.raises(PlanError, match="format_version 1"):
        read_plan(path)


def test_tampered_plan_lists_every_schema_problem(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    data = document(four_kinds())
    data["actions"][0]["action"] = "destroy"
    data["actions"][1]["type"] = "robocall"
    path.write_text(json.dumps(data))
    with pytest.raises(PlanError) as info:
        read_plan(path)
    message = str(info.value)
    assert "not a valid plan file" in message
    assert "at actions/0/action" in message and "at actions/1/type" in message


@pytest.mark.parametrize("depth", [100_000, 900])
def test_deeply_nested_json_is_a_plan_error_not_a_crash(tmp_path: Path, depth: int) -> None:
    # 100,000 levels break json's decoder, 900 the schema validator; neither may crash
    path = tmp_path / "plan.json"
    data = document(four_kinds())
    text = json.dumps(data)
    assert '"targets": []' in text
    path.write_text(text.replace('"targets": []', '"targets": ' + "[" * depth + "]" * depth))
    with pytest.raises(PlanError) as info:
        read_plan(path)
    assert str(path) in str(info.value)
    assert all(len(line) < 300 for line in str(info.value).splitlines())


def test_a_token_in_a_plan_value_is_redacted_in_the_saved_file(tmp_path: Path) -> None:
    token = Secret("tok-0e1d2c3b4a")  # what the client holds while planning
    plan = replace(
        four_kinds(),
        warnings=(Finding(FindingKind.UNMANAGED, f"live 'x {token.reveal()}'", "a"),),
    )
    path = tmp_path / "plan.json"
    write_plan(saved(plan), path, token)
    text = path.read_text()
    assert token.reveal() not in text and "live 'x ***'" in text
    # the signature covers the redacted text: apply still accepts the file
    verify_signature(read_document(path), token, str(path))


def test_a_plan_stopping_an_unnamed_live_campaign_round_trips(tmp_path: Path) -> None:
    # the vendor's list may hold a campaign with an empty name; `unmanaged: stop` stops it,
    # and `apply --plan` must accept the plan that says so
    desired = Desired(Operation(unmanaged=Unmanaged.STOP), ())
    live = [LiveCampaign("5", "", CampaignType.PREVIEW, LiveStatus.STARTED, 0)]
    plan = make_plan(desired, live)
    assert [(a.kind.value, a.campaign) for a in plan.actions] == [("stop", "")]
    path = tmp_path / "plan.json"
    write_plan(saved(plan), path, TOKEN)
    assert read_plan(path).plan == plan


def test_an_edit_of_any_field_breaks_the_signature(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    write_plan(saved(four_kinds()), path, TOKEN)
    original = json.loads(path.read_text())
    edits = [
        lambda d: d["actions"].append(dict(d["actions"][0])),
        lambda d: (
            d["errors"].clear()
            or d["errors"].append({"campaign": None, "kind": "quota", "message": "x"})
        ),
        lambda d: d["fingerprints"][0].update(digest="0" * 16),
        lambda d: d["live"].update(total=0),
        lambda d: d["operation"].update(endpoint="http://127.0.0.1:18999"),
        lambda d: d.pop("signature"),
    ]
    for edit in edits:
        data = json.loads(json.dumps(original))
        edit(data)
        with pytest.raises(PlanMismatch, match=r"altered|not signed"):
            verify_signature(data, TOKEN, "plan.json")
    with pytest.raises(PlanMismatch, match="another token"):
        verify_signature(original, Secret("a-different-token"), "plan.json")
    assert TOKEN.reveal() not in path.read_text()


def test_every_part_of_a_plan_reads_back_from_its_file_as_it_was(tmp_path: Path) -> None:
    """Actions of each kind with their bodies and changes, findings, fingerprints with the
    facts they saw, the selection and the live counts: the file is the plan."""
    from reconciler.manifest.desired import Operation
    from reconciler.plan.saved import SavedPlan, read_plan
    from reconciler.vocabulary import Unmanaged
    from tests.render.plans import field_kinds

    plan = replace(field_kinds(), targets=("a*",), excludes=("ab",), resend_fields=True)
    kinds = {a.kind.value for a in plan.actions}
    assert {"edit", "speed", "delete", "create", "start", "stop"} <= kinds
    assert any(a.changes for a in plan.actions) and plan.fingerprints
    operation = Operation(server="0002", token_env="OPS_TOKEN", unmanaged=Unmanaged.STOP,
                          daily_quota=900)  # fmt: skip
    path = tmp_path / "plan.json"
    saved_plan = SavedPlan(plan, operation, "http://127.0.0.1:8765", ("m.yaml",), ())
    write_plan(saved_plan, path, TOKEN)
    back = read_plan(path)
    assert back.plan == plan
    assert [a.changes for a in back.plan.actions] == [a.changes for a in plan.actions]
    assert [a.why for a in back.plan.actions] == [a.why for a in plan.actions]
    assert [a.reason for a in back.plan.actions] == [a.reason for a in plan.actions]
    assert [f.facts() for f in back.plan.fingerprints] == [f.facts() for f in plan.fingerprints]
    assert (back.plan.live_total, back.plan.live_started) == (plan.live_total, plan.live_started)
    assert back.operation == operation and back.endpoint == "http://127.0.0.1:8765"
    assert back.paths == ("m.yaml",)


def test_the_file_keeps_the_manifests_digests_the_paths_and_its_signature(
    tmp_path: Path,
) -> None:
    from reconciler.plan.saved import ManifestFile, SavedPlan, read_plan

    manifests = (ManifestFile("m.yaml", "ab" * 32), ManifestFile("n.yaml", "cd" * 32))
    saved_plan = SavedPlan(four_kinds(), Operation(), None, ("m.yaml", "n.yaml"), manifests)
    path = tmp_path / "plan.json"
    write_plan(saved_plan, path, TOKEN)
    back = read_plan(path)
    assert back.manifests == manifests and back.paths == ("m.yaml", "n.yaml")
    assert back.signature and back.signature == json.loads(path.read_text())["signature"]
