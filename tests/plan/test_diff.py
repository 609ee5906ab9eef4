"""Fields: what differs from live or the record is sent; what the record lacks, once."""

from __future__ import annotations

from reconciler.plan.diff import diff_fields, post_create_fields
from tests.plan.test_planner import camp, lc


def test_a_declared_field_the_record_does_not_hold_is_sent_once() -> None:
    c = camp("a", start_time="08:00:00", end_time="17:00:00", options={"opt1": "n"})
    diff = diff_fields(c, lc("1", "a"), None)
    assert diff.edit == {"start_time": "08:00:00", "end_time": "17:00:00",
                         "optional_labels": {"opt1": "n"}}  # fmt: skip
    assert {before for _, before, _ in diff.changes} == {"not recorded"}
    recorded = {"start_time": "08:00:00", "end_time": "17:00:00", "options.opt1": "n"}
    assert diff_fields(c, lc("1", "a"), recorded).edit == {}


def test_a_field_that_differs_from_the_record_is_sent_and_resend_sends_all() -> None:
    c = camp("a", start_time="09:00:00", end_time="17:00:00")
    record = {"start_time": "08:00:00", "end_time": "17:00:00"}
    diff = diff_fields(c, lc("1", "a"), record)
    assert diff.edit == {"start_time": "09:00:00"} and not diff.resent
    assert diff.changes == [("start_time", "last applied '08:00:00'", "'09:00:00'")]
    again = diff_fields(c, lc("1", "a"), record, resend=True)
    assert again.edit == {"start_time": "09:00:00", "end_time": "17:00:00"} and again.resent


def test_surrounding_whitespace_in_a_description_is_not_drift_but_text_is() -> None:
    c = camp("a", description="Q4 renewals")
    assert diff_fields(c, lc("1", "a", description=" Q4 renewals "), {}).edit == {}
    assert diff_fields(c, lc("1", "a", description="Q3"), {}).edit == {
        "campaign_description": "Q4 renewals"
    }


def test_an_observable_field_compares_with_live_when_the_list_shows_it() -> None:
    from dataclasses import replace

    c = camp("a", speed=40)
    live = replace(lc("1", "a"), speed=10)
    diff = diff_fields(c, live, {"speed": 40})  # the record is not asked: live says 10
    assert diff.speed == 40 and diff.speed_change == ("speed", "live 10", "40")


def test_a_new_campaign_gets_an_edit_for_what_the_create_cannot_carry() -> None:
    c = camp("a", start_time="08:00:00", end_time="17:00:00", routing_recall=True,
             options={"opt0": "z", "opt1": "o"}, speed=5)  # fmt: skip
    diff = post_create_fields(c)
    assert diff.edit == {"routing_recall": "no", "optional_labels": {"opt0": "z"}}
    assert diff.speed == 5
