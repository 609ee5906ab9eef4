"""`client.answers`: the vendor's answers parsed, without any HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.client import answers
from reconciler.client.answers import BadAnswer, Skill, TokenInfo
from reconciler.client.live import LiveCampaign
from reconciler.secret import Secret
from reconciler.vocabulary import CampaignType, LiveStatus
from tests.client.helpers import TOKEN, body, row

SECRET = Secret(TOKEN)


def parse(*rows: Any, **envelope: Any) -> list[LiveCampaign]:
    return answers.campaigns(body(data=list(rows), **envelope), SECRET)


# -- the campaign list -------------------------------------------------------------------


def test_a_row_becomes_a_live_campaign_with_the_other_fields_kept_verbatim() -> None:
    (live,) = parse(row())
    assert live == LiveCampaign(
        campaign_id="101",
        name="summer-sale",
        type=CampaignType.PREDICTIVE,
        status=LiveStatus.STARTED,
        records=250,
        description="Summer",
        turbo_dial=False,
    )
    assert dict(live.extra) == {
        "speed": "1.5",
        "dial_mode": "autopilot",
        "last_use": "2026-11-20 10:00:00",
        "recycled": "0",
        "turbo_dial": "no",
    }


@pytest.mark.parametrize("status", ["Started", "started", "STARTED", " started "])
def test_status_in_any_case(status: str) -> None:
    assert parse(row(status=status))[0].status is LiveStatus.STARTED


def test_type_in_any_case() -> None:
    assert parse(row(type_campaign="Preview"))[0].type is CampaignType.PREVIEW


@pytest.mark.parametrize(("records", "count"), [("", 0), (" ", 0), ("0", 0), ("42", 42), (7, 7)])
def test_records_empty_means_zero(records: Any, count: int) -> None:
    assert parse(row(records=records))[0].records == count


@pytest.mark.parametrize("records", ["12a", "-1", "1.5", "lots", None, True, [], "١٢"])
def test_records_not_a_number_names_field_and_campaign(records: Any) -> None:
    with pytest.raises(BadAnswer) as info:
        parse(row(), row(campaign_id="102", campaign_name="fall", records=records))
    text = str(info.value)
    assert "records" in text and "fall" in text and "102" in text and "data[1]" in text


@settings(max_examples=50, deadline=None)
@given(count=st.integers(min_value=0, max_value=10**12), pad=st.sampled_from(["", " "]))
def test_any_digit_string_is_a_record_count(count: int, pad: str) -> None:
    assert parse(row(records=f"{pad}{count}{pad}"))[0].records == count


@settings(max_examples=50, deadline=None)
@given(st.text(min_size=1, max_size=8).filter(lambda t: not t.strip().isdigit()))
def test_any_non_numeric_record_count_is_refused(text: str) -> None:
    if not text.strip():
        assert parse(row(records=text))[0].records == 0  # blank means none
        return
    with pytest.raises(BadAnswer, match="records"):
        parse(row(records=text))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", "Running"),
        ("status", None),
        ("type_campaign", "manual"),
        ("campaign_id", ""),
        ("campaign_id", None),
        ("campaign_name", None),
    ],
)
def test_a_row_with_a_bad_field_names_it(field: str, value: Any) -> None:
    bad = row()
    if value is None:
        del bad[field]
    else:
        bad[field] = value
    with pytest.raises(BadAnswer, match=field):
        parse(bad)


@pytest.mark.parametrize(
    "payload",
    [
        body(data={"campaign_id": "1"}),  # an object, not a list
        body(data=["101"]),  # rows that are not objects
        body(msg="campaigns"),  # no data and no "0 records"
    ],
)
def test_a_list_of_the_wrong_shape_is_refused(payload: dict[str, Any]) -> None:
    with pytest.raises(BadAnswer):
        answers.campaigns(payload, SECRET)


@pytest.mark.parametrize(
    "payload", [body(msg="0 records were found"), body(msg="0 records were found", data=None)]
)
def test_an_empty_operation_may_come_without_data(payload: dict[str, Any]) -> None:
    assert answers.campaigns(payload, SECRET) == []


@pytest.mark.parametrize(
    ("speed", "parsed"),
    [("35", 35), (" 100 ", 100), (0, 0), (50, 50), (50.0, 50), ("", None), (None, None),
     ("1.5", None), ("-3", None), ("fast", None), (True, None)],
)  # fmt: skip
def test_speed_is_a_whole_number_or_unknown(speed: Any, parsed: int | None) -> None:
    fields = {} if speed is None else {"speed": speed}
    assert parse(row(**fields))[0].speed == parsed


@pytest.mark.parametrize(
    ("turbo", "parsed"),
    [("on", True), ("YES", True), (" yes ", True), ("off", False), ("No", False),
     (True, True), (False, False), ("", None), ("maybe", None), (1, None)],
)  # fmt: skip
def test_turbo_dial_on_off_yes_no_or_unknown(turbo: Any, parsed: bool | None) -> None:
    assert parse(row(turbo_dial=turbo))[0].turbo_dial is parsed


def test_turbo_dial_absent_is_unknown() -> None:
    bare = row()
    del bare["turbo_dial"]
    assert parse(bare)[0].turbo_dial is None


@pytest.mark.parametrize(("skill", "parsed"), [("77", "77"), (77, "77"), (" VAGENT ", "VAGENT"),
                                               ("", None), (None, None)])  # fmt: skip
def test_skill_id_is_optional(skill: Any, parsed: str | None) -> None:
    fields = {} if skill is None else {"skill_id": skill}
    assert parse(row(**fields))[0].skill_id == parsed


def test_the_sample_of_the_vendor_page_parses() -> None:
    # the list page's sample: "" for records, speed and turbo_dial, no skill_id
    sample = row(records="", speed="", turbo_dial="", last_use="", recycled="")
    (live,) = answers.campaigns(body(code="", msg="1 records were found", data=[sample]), SECRET)
    assert (live.records, live.speed, live.turbo_dial, live.skill_id) == (0, None, None, None)


def test_a_token_in_a_bad_field_is_not_quoted() -> None:
    with pytest.raises(BadAnswer) as info:
        parse(row(status=f"x {TOKEN} y", campaign_name=TOKEN))
    assert TOKEN not in str(info.value) and "***" in str(info.value)


# -- create, edit, delete ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "new_id"),
    [
        ([{"id_campaign": "555"}], "555"),
        ([{"id_campaing": "556"}], "556"),  # the create page's table spelling
        ([{"id_campaign": 557}], "557"),
        ({"id_campaign": " 558 "}, "558"),  # one object instead of a list
        ([{"name_campaign": "x"}], None),
        ([{"id_campaign": ""}], None),
        ([], None),
        (None, None),
    ],
)
def test_created_id(data: Any, new_id: str | None) -> None:
    assert answers.created_id(body(data=data)) == new_id


def test_edited_config_is_data_0() -> None:
    config = {"campaign_id": "101", "campaign_name": "renamed", "turbo_dial": "yes"}
    assert answers.edited_config(body(code=200, data=[config]), "101", SECRET) == config


@pytest.mark.parametrize("data", [None, [], ["101"], "ok"])
def test_an_edit_answer_without_the_configuration_is_refused(data: Any) -> None:
    with pytest.raises(BadAnswer, match=r"data\[0\]"):
        answers.edited_config(body(code=200, data=data), "101", SECRET)


def test_an_edit_answer_about_another_campaign_is_refused() -> None:
    with pytest.raises(BadAnswer, match="'999'"):
        answers.edited_config(body(code=200, data=[{"campaign_id": "999"}]), "101", SECRET)


@pytest.mark.parametrize(
    ("msg", "refused"),
    [
        ("1 campaigns deleted successfully. 0 operations failed.", None),
        ("2 campaigns deleted successfully. 1 operations failed.", False),  # one failed
        ("0 campaigns deleted successfully. 1 operations failed.", True),  # nothing there
        ("0 campaign deleted. 1 operation failed", True),
        ("Campaign deleted", False),  # undocumented words: not the vendor's yes
        ("", False),
    ],
)
def test_only_the_documented_answer_says_a_delete_is_done(msg: str, refused: bool | None) -> None:
    found = answers.delete_refusal(body(code="200", msg=msg), SECRET)
    if refused is None:
        assert found is None
    else:
        assert found is not None and found[0] is refused and msg in found[1]


# -- information.php -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row_", "info"),
    [
        (
            {"token_limit": 5000, "token_use_today": 120, "available_consumption_options": 4880},
            TokenInfo(5000, 120, 4880),
        ),
        (
            {"token_limit": "5000", "token_use_today": " 7 ",
             "available_consumption_options": "4993"},
            TokenInfo(5000, 7, 4993),
        ),
        ({"token_limit": "100", "token_use_today": "40"}, TokenInfo(100, 40, 60)),
        ({"token_limit": 100, "token_use_today": 140, "available_consumption_options": ""},
         TokenInfo(100, 140, 0)),
    ],
)  # fmt: skip
def test_token_info_numbers_may_be_strings(row_: dict[str, Any], info: TokenInfo) -> None:
    assert answers.token_info(body(code=200, data=[row_]), SECRET) == info


@pytest.mark.parametrize(
    ("row_", "field"),
    [
        ({"token_use_today": 1}, "token_limit"),
        ({"token_limit": "lots", "token_use_today": 1}, "token_limit"),
        ({"token_limit": 10, "token_use_today": -1}, "token_use_today"),
        ({"token_limit": 10, "token_use_today": 1, "available_consumption_options": "x"},
         "available_consumption_options"),
    ],
)  # fmt: skip
def test_token_info_with_a_bad_number_names_the_field(row_: dict[str, Any], field: str) -> None:
    with pytest.raises(BadAnswer, match=field):
        answers.token_info(body(code=200, data=[row_]), SECRET)


@pytest.mark.parametrize("data", [None, [], ["5000"]])
def test_token_info_without_data_is_refused(data: Any) -> None:
    with pytest.raises(BadAnswer, match=r"data\[0\]"):
        answers.token_info(body(code=200, data=data), SECRET)


def test_skills_parse_and_tolerate_missing_text_fields() -> None:
    data = [
        {"skill_id": "11", "skill_name": "Sales", "skill_description": "d", "last_use": "t"},
        {"skill_id": 12},
    ]
    assert answers.skills(body(code=200, data=data), SECRET) == [
        Skill("11", "Sales", "d", "t"),
        Skill("12", ""),
    ]
    assert answers.skills(body(code=200, msg="0 records were found"), SECRET) == []


@pytest.mark.parametrize("data", [[{"skill_name": "x"}], [{"skill_id": ""}], ["11"], {"a": 1}])
def test_bad_skill_rows_are_refused(data: Any) -> None:
    with pytest.raises(BadAnswer, match="skill"):
        answers.skills(body(code=200, data=data), SECRET)


# -- the vendor's words --------------------------------------------------------------------


def test_vendor_message_joins_error_and_msg() -> None:
    text = answers.vendor_message(body(error="BAD REQUEST", msg="no"), "", SECRET)
    assert text == "BAD REQUEST: no"


def test_vendor_message_strips_html_and_cuts_long_text() -> None:
    text = answers.vendor_message(None, "<h1>Bad</h1> " + "x" * 500, SECRET)
    assert text.startswith("Bad x") and text.endswith("…")
    assert len(text) == answers.SNIPPET + 1
