"""The field table: each field's vendor keys and forms, read back as they were sent."""

from __future__ import annotations

import pytest

from reconciler.fields import (
    FIELDS,
    LISTED_IF_SENT,
    MANAGED,
    SEEN,
    UNLISTED,
    field_named,
    from_vendor,
    put,
    to_vendor,
)
from reconciler.vocabulary import CampaignType


def test_the_table_names_each_field_once_in_the_order_plans_show_them() -> None:
    assert len(set(MANAGED)) == len(MANAGED) == len(FIELDS)
    assert MANAGED[:3] == ("name", "type", "description")
    assert LISTED_IF_SENT == ("skill_id", "speed", "turbo_dial")
    assert UNLISTED[:2] == ("start_time", "end_time") and UNLISTED[-1] == "options.opt12"
    assert ("name", "type", "status", "records", "description", *LISTED_IF_SENT) == SEEN
    assert not any(field_named(n).observable for n in UNLISTED)


@pytest.mark.parametrize(
    ("name", "value", "sent"),
    [
        ("name", "winback", ("campaign_name", "winback")),
        ("description", "Q4", ("campaign_description", "Q4")),
        ("type", CampaignType.PREDICTIVE, ("type_camp", "Predictive")),
        ("enable_edition", True, ("enable_edition", "yes")),
        ("turbo_dial", False, ("turbo_dial", "no")),
        ("routing_recall", True, ("routing_recall", "no")),  # the vendor's "yes" disables it
        ("routing_recall", False, ("routing_recall", "yes")),
        ("amd", "COL", ("amd_conf", "COL")),
        ("dial_order", "zigzag", ("camp_dial_order", "zigzag")),
        ("speed", 40, ("speed", "40")),
        ("start_time", "08:00:00", ("start_time", "08:00:00")),
        ("options.opt3", "north", ("opt3", "north")),
    ],
)
def test_each_field_goes_to_the_edit_body_in_its_own_key_and_form(
    name: str, value: object, sent: tuple[str, object]
) -> None:
    assert to_vendor(name, value) == sent


def test_labels_go_into_optional_labels_and_the_rest_beside_them() -> None:
    body: dict[str, object] = {}
    put(body, "options.opt0", "zero")
    put(body, "options.opt12", "last")
    put(body, "end_time", "18:00:00")
    assert body == {"optional_labels": {"opt0": "zero", "opt12": "last"}, "end_time": "18:00:00"}


def test_what_is_sent_reads_back_as_the_manifest_wrote_it() -> None:
    body: dict[str, object] = {}
    values = {
        "skill_id": "7", "speed": 40, "turbo_dial": True, "start_time": "08:00:00",
        "end_time": "18:30:15", "enable_edition": False, "amd": "none",
        "routing_recall": True, "dial_order": "random", "options.opt0": "a", "options.opt9": "b",
    }  # fmt: skip
    for name, value in values.items():
        put(body, name, value)
    assert from_vendor(body) == values


def test_a_create_body_and_an_answer_read_as_the_record() -> None:
    create = {"campaign_name": "x", "start_time": "080000", "end_time": "", "opt1": "north",
              "opt0": "not-a-create-field", "enable_edition": "yes", "amd": "COL"}  # fmt: skip
    assert from_vendor(create) == {
        "start_time": "08:00:00", "options.opt1": "north", "enable_edition": True, "amd": "COL"
    }  # fmt: skip


@pytest.mark.parametrize(
    "answer",
    [
        {"start_time": "8:00"},  # not six digits
        {"enable_edition": "maybe"},
        {"speed": "fast"},
        {"speed": -3},
        {"optional_labels": ["opt1"]},
        {"camp_dial_order": ""},
        {"skill_id": 12},
    ],
)
def test_a_vendor_value_not_in_the_expected_form_is_not_recorded(answer: dict[str, object]) -> None:
    assert from_vendor(answer) == {}


def test_export_writes_what_the_list_shows_as_a_manifest_writes_it() -> None:
    from reconciler.fields import EXPORTED_IF_SENT, WRITTEN_BARE, manifest_text

    assert EXPORTED_IF_SENT == ("skill_id", "speed", "turbo_dial")
    assert {"speed", "turbo_dial", "enable_edition", "routing_recall"} == WRITTEN_BARE
    assert [manifest_text(v) for v in (True, False, 40, "1001")] == ["true", "false", "40", "1001"]
