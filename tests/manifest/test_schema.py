"""The shipped JSON Schema: valid, in step with the domain model, usable by editors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from reconciler.manifest import schema_text
from reconciler.manifest.convert import convert
from reconciler.manifest.desired import OPTION_KEYS
from reconciler.manifest.schema import check, render_path, schema
from reconciler.manifest.yaml import parse
from reconciler.vocabulary import CampaignType, DesiredState, Unmanaged

ROOT = Path(__file__).parents[2]


def defs() -> dict[str, Any]:
    return json.loads(schema_text())["$defs"]


def test_the_schema_is_valid_2020_12() -> None:
    document = json.loads(schema_text())
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(document)


def test_the_top_level_schemas_directory_is_the_shipped_one() -> None:
    # the modeline in manifests points at ../schemas/campaigns.schema.json
    assert (ROOT / "schemas" / "campaigns.schema.json").read_text("utf-8") == schema_text()


def test_enums_match_the_vocabulary() -> None:
    assert defs()["type"]["enum"] == [t.value for t in CampaignType]
    assert defs()["state"]["enum"] == [s.value for s in DesiredState]
    assert defs()["operation"]["properties"]["unmanaged"]["enum"] == [u.value for u in Unmanaged]


def test_options_are_exactly_the_vendor_fields() -> None:
    assert tuple(defs()["options"]["properties"]) == OPTION_KEYS


def test_defaults_take_every_campaign_field_but_name_and_id() -> None:
    campaign = set(defs()["campaign"]["properties"])
    assert set(defs()["defaults"]["properties"]) == campaign - {"name", "id"}


def test_the_example_validates_in_an_editor_too() -> None:
    # editors read the file with an ordinary YAML 1.1 loader and this schema
    data = yaml.safe_load((ROOT / "examples" / "campaigns.yaml").read_text("utf-8"))
    jsonschema.Draft202012Validator(json.loads(schema_text())).validate(data)


def problems_for(text: str) -> list[str]:
    root = parse(text, "m.yaml")
    assert root is not None
    return [str(p) for _, p in check(convert(root, schema(), {}))]


def test_a_mistyped_value_is_reported_once() -> None:
    # "1" fails both `type` and `const`: only the first says anything useful
    assert problems_for('version: "1"\n') == [
        "m.yaml:1:10: version: expected a whole number, got '1'"
    ]


def test_a_missing_key_is_reported_at_its_mapping() -> None:
    assert problems_for("version: 1\ncampaigns:\n  - type: preview\n") == [
        "m.yaml:3:5: campaigns[0]: missing required key 'name'"
    ]


def test_long_values_are_shortened() -> None:
    (problem,) = problems_for(f"version: 1\ncampaigns:\n  - {{name: a, state: {'x' * 200}}}\n")
    assert problem.endswith("...' is not one of: started, stopped, cleared, absent")
    assert len(problem) < 160


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ((), ""),
        (("campaigns",), "campaigns"),
        (("campaigns", 2, "state"), "campaigns[2].state"),
        (("campaigns", 0, "options", "opt1"), "campaigns[0].options.opt1"),
    ],
)
def test_render_path(path: tuple[str | int, ...], text: str) -> None:
    assert render_path(path) == text


def test_the_package_exports_exactly_its_public_api() -> None:
    import reconciler.manifest as manifest

    assert manifest.__all__ == ["load", "schema_text"]
