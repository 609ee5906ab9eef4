from __future__ import annotations

import json
from pathlib import Path

from reconciler.client.live import LiveCampaign
from reconciler.errors import Location
from reconciler.manifest.desired import Campaign, Desired, Operation
from reconciler.plan.model import Plan
from reconciler.plan.planner import make_plan
from reconciler.plan.saved import read_plan, validate_plan_dict, write_plan
from reconciler.render.json_ import render_json
from reconciler.vocabulary import DesiredState, LiveStatus

from .plans import TOKEN, P, document, four_kinds, saved, with_error


def test_json_is_the_plan_document_and_validates_against_the_schema() -> None:
    plan = four_kinds()
    data = json.loads(render_json(document(plan)))
    assert validate_plan_dict(data) == []
    assert data["format_version"] == 2
    assert [a["action"] for a in data["actions"]] == ["stop", "clear", "create", "start"]
    create = data["actions"][2]
    assert create["campaign_id"] is None and create["params"]["campaign_name"] == "new-leads"
    assert data["summary"] == {
        "stop": 1, "delete": 0, "clear": 1, "create": 1, "edit": 0, "speed": 0, "start": 1
    }  # fmt: skip
    assert data["api_calls"] == 6
    assert {w["kind"] for w in data["warnings"]} == {"unmanaged"}
    assert Plan.from_dict(data) == plan


def test_errors_are_in_the_json() -> None:
    data = json.loads(render_json(document(with_error())))
    assert validate_plan_dict(data) == []
    assert data["errors"][0]["kind"] == "duplicate-live-name"
    assert data["errors"][0]["campaign"] == "dup"


def test_schema_rejects_what_apply_must_not_trust() -> None:
    data = json.loads(render_json(document(four_kinds())))
    data["actions"][0]["action"] = "destroy"
    del data["actions"][2]["params"]
    data["summary"]["stop"] = -1
    problems = validate_plan_dict(data)
    assert any(p.startswith("at actions/0/action") for p in problems)
    assert any(p.startswith("at actions/2") and "params" in p for p in problems)
    assert any(p.startswith("at summary/stop") for p in problems)


def test_lone_surrogates_are_escaped_so_the_json_stays_utf8(tmp_path: Path) -> None:
    # a manifest whose file name is not UTF-8 (os gives "\udcff"), a live name with "\ud800"
    d = Desired(
        Operation(),
        (Campaign("a", P, DesiredState.STOPPED, location=Location("d/\udcff.yaml", 3, 5)),),
    )
    plan = make_plan(d, [LiveCampaign("9", "x\ud800", P, LiveStatus.STOPPED, 0)])
    text = render_json(document(plan))
    text.encode("utf-8")  # no UnicodeEncodeError: printable and writable
    assert Plan.from_dict(json.loads(text)) == plan
    write_plan(saved(plan), tmp_path / "plan.json", TOKEN)
    assert read_plan(tmp_path / "plan.json").plan == plan
