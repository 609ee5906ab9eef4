"""`--seed FILE`: YAML or JSON campaigns, every problem reported with its location."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.simulator.seed import SeedError, load_seed, parse_seed
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
    )
    assert c.campaign_id == 1001 and c.campaign_name == "Renewals"
    assert c.type_campaign is CampaignType.PREDICTIVE and c.status is LiveStatus.STARTED
    # the two records not broken down by result count as "unknown"
    assert dict(c.record_results) == {"busy": 3, "unknown": 2, "answer": 10}
    assert (c.speed, c.dial_mode, c.recycled, c.turbo_dial) == ("2", "autopilot", "4", "on")
    assert c.campaign_description == "Q3 renewals"


def test_defaults_a_stopped_campaign_without_records_or_id() -> None:
    [c] = parse_seed("campaigns:\n  - {campaign_name: A, type_campaign: preview}\n")
    assert c.campaign_id is None and c.status is LiveStatus.STOPPED and c.record_results == ()


def test_records_may_be_given_by_result_alone() -> None:
    [c] = parse_seed(
        "campaigns:\n  - {campaign_name: A, type_campaign: preview, record_results: {busy: 2}}\n"
    )
    assert dict(c.record_results) == {"busy": 2}


def test_json_seeds_are_read_too(tmp_path: Path) -> None:
    path = tmp_path / "seed.json"
    path.write_text('{"campaigns": [{"campaign_name": "J", "type_campaign": "preview"}]}')
    assert [c.campaign_name for c in load_seed(path)] == ["J"]


def test_empty_seed_is_no_campaigns() -> None:
    assert parse_seed("") == []
    assert parse_seed("campaigns: []\n") == []


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
        ("- a\n- b\n", "one key, `campaigns`"),
        ("campaigns: {a: 1}\n", "a list of campaigns"),
        ("campaigns:\n  - just a string\n", "expected a mapping"),
        (
            "campaigns:\n  - {campaign_id: x1, campaign_name: A, type_campaign: preview}\n",
            "numeric",
        ),
        ("campaigns:\n  - {campaign_name: A, type_campaign: preview, records: -1}\n", "≥ 0"),
        ("campaigns:\n  - {campaign_name: A, type_campaign: preview, records: true}\n", "≥ 0"),
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
