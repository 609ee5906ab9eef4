"""`--seed FILE`: YAML or JSON campaigns, every problem reported with its location."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.simulator.seed import Seed, SeedError, load_seed, parse_seed
from reconciler.simulator.store import SkillData
from reconciler.vocabulary import CampaignType, LiveStatus


def test_rows_use_the_list_field_names() -> None:
    [c] = parse_seed(
        """
campaigns:
  - campaign_id: "1001"
    campaign_name: Renewals
    campaign_description: Q3 renewals
    type_campaign: predictive
    status: started
    records: 15
    record_results: {busy: 3, answer: 10}
    speed: "2"
    dial_mode: autopilot
    last_use: "2026-01-01 10:00:00"
    recycled: 4
    turbo_dial: "on"
""",
        "seed.yaml",
    ).campaigns
    assert c.campaign_id == 1001 and c.campaign_name == "Renewals"
    assert c.type_campaign is CampaignType.PREDICTIVE and c.status is LiveStatus.STARTED
    # the two records not broken down by result count as "unknown"
    assert dict(c.record_results) == {"busy": 3, "unknown": 2, "answer": 10}
    assert (c.speed, c.dial_mode, c.recycled, c.turbo_dial) == ("2", "autopilot", "4", "on")
    assert c.campaign_description == "Q3 renewals"


def test_defaults_a_stopped_campaign_without_records_or_id() -> None:
    [c] = parse_seed("campaigns:\n  - {campaign_name: A, type_campaign: preview}\n").campaigns
    assert c.campaign_id is None and c.status is LiveStatus.STOPPED and c.record_results == ()


def test_records_may_be_given_by_result_alone() -> None:
    [c] = parse_seed(
        "campaigns:\n  - {campaign_name: A, type_campaign: preview, record_results: {busy: 2}}\n"
    ).campaigns
    assert dict(c.record_results) == {"busy": 2}


def test_json_seeds_are_read_too(tmp_path: Path) -> None:
    path = tmp_path / "seed.json"
    path.write_text('{"campaigns": [{"campaign_name": "J", "type_campaign": "preview"}]}')
    assert [c.campaign_name for c in load_seed(path).campaigns] == ["J"]


def test_empty_seed_is_no_campaigns() -> None:
    assert parse_seed("") == Seed()
    assert parse_seed("campaigns: []\n") == Seed()


def test_every_problem_is_reported_with_its_line_and_column() -> None:
    text = """campaigns:
  - campaign_id: "7"
    campaign_name: A
    type_campaign: blast
  - campaign_id: "7"
    campaign_name: ""
    type_campaign: preview
    status: paused
    records: 1
    record_results: {busy: 3, hangup: 1}
    colour: red
"""
    with pytest.raises(SeedError) as info:
        parse_seed(text, "seed.yaml")
    problems = info.value.problems
    assert "seed.yaml:4:20: campaigns[0].type_campaign: required, `preview` or `predictive`" in (
        problems
    )
    joined = "\n".join(problems)
    assert "seed.yaml:6:20: campaigns[1].campaign_name" in joined
    assert "seed.yaml:8:13: campaigns[1].status" in joined
    assert "seed.yaml:9:14: campaigns[1].records: 1 is fewer" in joined
    assert "unknown result 'hangup'" in joined
    assert "seed.yaml:11:13: campaigns[1].colour: unknown field" in joined


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(SeedError, match=r"duplicate id 7"):
        parse_seed(
            "campaigns:\n"
            "  - {campaign_id: 7, campaign_name: A, type_campaign: preview}\n"
            "  - {campaign_id: '7', campaign_name: B, type_campaign: preview}\n"
        )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("campaigns: [\n", "invalid YAML"),
        ("- a\n- b\n", "a mapping of `campaigns`"),
        ("campaigns: {a: 1}\n", "a list of campaigns"),
        ("campaigns:\n  - just a string\n", "expected a mapping"),
        (
            "campaigns:\n  - {campaign_id: x1, campaign_name: A, type_campaign: preview}\n",
            "numeric",
        ),
        ("campaigns:\n  - {campaign_name: A, type_campaign: preview, records: -1}\n", "from 0"),
        ("campaigns:\n  - {campaign_name: A, type_campaign: preview, records: true}\n", "from 0"),
    ],
)
def test_bad_seeds_are_refused_clearly(text: str, message: str) -> None:
    with pytest.raises(SeedError, match=message):
        parse_seed(text, "seed.yaml")


def test_bad_json_is_located(tmp_path: Path) -> None:
    path = tmp_path / "seed.json"
    path.write_text('{"campaigns": [\n  {"campaign_name": }]}')
    with pytest.raises(SeedError, match=r"seed.json:2:21: invalid JSON"):
        load_seed(path)


def test_an_unreadable_seed_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(SeedError, match="cannot read"):
        load_seed(tmp_path / "missing.yaml")


def test_a_lone_surrogate_escape_is_a_located_seed_error_not_a_crash() -> None:
    text = '{"campaigns": [{"campaign_name": "a\\ud800", "type_campaign": "preview"}]}'
    with pytest.raises(SeedError, match=r"campaign_name: is not valid Unicode text"):
        parse_seed(text, "seed.json")


# -- numbers and nesting a store cannot hold: located seed errors, never a crash -----------

TWO_63 = 2**63


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ({"campaign_id": TWO_63 + 1}, "campaign_id", "more than 18 digits"),
        ({"campaign_id": str(TWO_63 + 1)}, "campaign_id", "more than 18 digits"),
        ({"campaign_id": -5}, "campaign_id", "numeric id"),
        ({"campaign_id": "-5"}, "campaign_id", "numeric id"),
        ({"campaign_id": "12a"}, "campaign_id", "numeric id"),
        ({"campaign_id": "\u00b2"}, "campaign_id", "numeric id"),  # '²'.isdigit() is True
        ({"campaign_id": "\uff11\uff12"}, "campaign_id", "numeric id"),  # full-width 12
        ({"campaign_id": 1.5}, "campaign_id", "numeric id"),
        ({"campaign_id": [1]}, "campaign_id", "got a list"),
        ({"records": TWO_63}, "records", "2^63 - 1"),
        ({"records": -1}, "records", "2^63 - 1"),
        ({"records": "15"}, "records", "whole number"),
        ({"record_results": {"busy": TWO_63}}, "record_results", "2^63 - 1"),
        (
            {"record_results": {"busy": TWO_63 // 2, "answer": TWO_63 // 2}},
            "record_results",
            "add up to more than 2^63 - 1",
        ),
        ({"skill_id": "abc"}, "skill_id", "digits or VAGENT"),
    ],
)
@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_numbers_the_store_cannot_hold_are_located_errors(
    row: dict[str, object], field: str, message: str, suffix: str
) -> None:
    import json

    campaign = {"campaign_name": "A", "type_campaign": "preview", **row}
    text = json.dumps({"campaigns": [campaign]}, indent=2)  # JSON is YAML too
    with pytest.raises(SeedError) as info:
        parse_seed(text, f"seed{suffix}")
    [problem] = info.value.problems
    assert f"campaigns[0].{field}" in problem and message in problem
    if suffix == ".yaml":
        assert problem.startswith("seed.yaml:")
        assert problem.split(":")[1].isdigit()  # file:line:col


def test_the_largest_accepted_values_are_stored_and_listed() -> None:
    from reconciler.simulator.store import Store

    seed = parse_seed(
        f"campaigns:\n  - {{campaign_id: {10**18 - 1}, campaign_name: A, type_campaign: preview,"
        f" records: {TWO_63 - 1}}}\n"
    )
    store = Store()
    store.seed(seed.campaigns)
    [row] = store.campaigns()
    assert row.list_row()["campaign_id"] == str(10**18 - 1)
    assert row.list_row()["records"] == str(TWO_63 - 1)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 5000 + "]" * 5000,
        "campaigns: " + "[" * 5000,
        "campaigns:\n" + "".join("  " * (i + 1) + "- a:\n" for i in range(5000)),
        "{a: " * 5000,
    ],
)
def test_deep_yaml_is_a_located_error_found_quickly(text: str) -> None:
    import time

    began = time.monotonic()
    with pytest.raises(SeedError, match=r"^seed.yaml:\d+:\d+: collections nest more than 64"):
        parse_seed(text, "seed.yaml")
    assert time.monotonic() - began < 2


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("[" * 5000 + "]" * 5000, "seed.json:1:65:"),
        ('{"campaigns": [\n' + '{"a": ' * 5000 + "1" + "}" * 5000 + "]}", "seed.json:2:"),
    ],
)
def test_deep_json_is_a_located_error(text: str, where: str) -> None:
    with pytest.raises(SeedError) as info:
        parse_seed(text, "seed.json")
    [problem] = info.value.problems
    assert problem.startswith(where) and "nest more than 64" in problem


def test_brackets_inside_json_strings_do_not_count_as_nesting() -> None:
    name = "[{" * 100 + '\\"'
    text = '{"campaigns": [{"campaign_name": "NAME", "type_campaign": "preview"}]}'
    text = text.replace("NAME", name)
    [c] = parse_seed(text, "seed.json").campaigns
    assert c.campaign_name.startswith("[{[{")


def test_a_number_too_long_to_convert_is_a_seed_error() -> None:
    for suffix in (".yaml", ".json"):
        text = '{"campaigns": [{"campaign_name": "A", "type_campaign": "preview", "records": %s}]}'
        with pytest.raises(SeedError, match=f"seed{suffix}: invalid"):
            parse_seed(text % ("9" * 5000), f"seed{suffix}")


def test_an_alias_bomb_in_a_field_is_refused_without_expanding_it() -> None:
    # 4^29 leaves once expanded: any repr() or str() of it would never finish
    text = (
        "campaigns:\n  - campaign_name: A\n    type_campaign: preview\n"
        "    campaign_id: &b0 [1, 1, 1, 1]\n"
        + "".join(
            f"    x{i}: &b{i} [*b{i - 1}, *b{i - 1}, *b{i - 1}, *b{i - 1}]\n" for i in range(1, 30)
        )
        + "    records: *b29\n    status: *b29\n    type_campaign2: *b29\n"
    )
    with pytest.raises(SeedError) as info:
        parse_seed(text, "seed.yaml")
    joined = "\n".join(info.value.problems)
    assert "status: must be `Started` or `Stopped`" in joined
    assert "campaign_id: must be a numeric id (digits), got a list" in joined
    assert "records: must be a whole number from 0 to 2^63 - 1, got a list" in joined


# -- skills -------------------------------------------------------------------------------


def test_skills_are_read_from_the_seed() -> None:
    seed = parse_seed(
        "skills:\n"
        "  - {skill_id: 1001, skill_name: Collections, skill_description: first line}\n"
        "  - {skill_id: '2010', skill_name: Sales, last_use: '2026-01-01 10:00:00'}\n"
    )
    assert seed.campaigns == ()
    assert seed.skills == (
        SkillData("1001", "Collections", "first line", ""),
        SkillData("2010", "Sales", "", "2026-01-01 10:00:00"),
    )


def test_bad_skills_are_located() -> None:
    text = (
        "skills:\n"
        "  - {skill_id: x1, skill_name: A}\n"
        "  - {skill_id: 7, skill_name: ''}\n"
        "  - {skill_id: 7, skill_name: B, colour: red}\n"
        "  - {skill_id: 8, skill_name: C}\n"
        "  - {skill_id: 8, skill_name: D}\n"
    )
    with pytest.raises(SeedError) as info:
        parse_seed(text, "seed.yaml")
    joined = "\n".join(info.value.problems)
    assert "seed.yaml:2:16: skills[0].skill_id: required, digits" in joined
    assert "seed.yaml:3:31: skills[1].skill_name: required" in joined
    assert "skills[2].colour: unknown field" in joined
    assert "seed.yaml:6:16: skills[4].skill_id: duplicate skill 8 (also skills[3])" in joined
