from __future__ import annotations

import json

from reconciler.plan import Plan
from reconciler.planfile import validate_plan_dict
from reconciler.render.json_ import render_json

from .plans import four_kinds, with_error


def test_json_is_the_plan_document_and_validates_against_the_schema() -> None:
    plan = four_kinds()
    data = json.loads(render_json(plan))
    assert validate_plan_dict(data) == []
    assert data["format_version"] == 1
    assert [a["action"] for a in data["actions"]] == ["stop", "clear", "create", "start"]
    create = data["actions"][2]
    assert create["campaign_id"] is None and create["params"]["campaign_name"] == "new-leads"
    assert data["summary"] == {"stop": 1, "clear": 1, "create": 1, "start": 1}
    assert data["api_calls"] == 5
    assert {w["kind"] for w in data["warnings"]} == {"drift", "unmanaged"}
    assert Plan.from_dict(data) == plan


def test_errors_are_in_the_json() -> None:
    data = json.loads(render_json(with_error()))
    assert validate_plan_dict(data) == []
    assert data["errors"][0]["kind"] == "duplicate-live-name"
    assert data["errors"][0]["campaign"] == "dup"


def test_schema_rejects_what_apply_must_not_trust() -> None:
    data = json.loads(render_json(four_kinds()))
    data["actions"][0]["action"] = "delete"
    del data["actions"][2]["params"]
    data["summary"]["stop"] = -1
    problems = validate_plan_dict(data)
    assert any(p.startswith("at actions/0/action") for p in problems)
    assert any(p.startswith("at actions/2") and "params" in p for p in problems)
    assert any(p.startswith("at summary/stop") for p in problems)
