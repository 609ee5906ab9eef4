"""The desired model's own rules: the create body a campaign makes, field by field."""

from __future__ import annotations

from reconciler.manifest.desired import (
    Campaign,
    create_carries_amd,
    create_params,
    desired_value,
)
from reconciler.manifest.loader import load_texts
from reconciler.vocabulary import CampaignType, DesiredState

P, D = CampaignType.PREVIEW, CampaignType.PREDICTIVE


def test_times_go_to_the_create_as_hhmmss_however_the_manifest_wrote_them() -> None:
    desired = load_texts(
        {
            "m.yaml": "version: 1\ncampaigns:\n  - {name: a, type: preview, state: stopped, "
            'start_time: "08:05", end_time: "18:30:15"}\n'
        },
        {},
    )
    (campaign,) = desired.campaigns
    assert (campaign.start_time, campaign.end_time) == ("08:05:00", "18:30:15")
    params = create_params(campaign)
    assert (params["start_time"], params["end_time"]) == ("080500", "183015")
    no_window = create_params(Campaign("b", P, DesiredState.STOPPED))
    assert (no_window["start_time"], no_window["end_time"]) == ("", "")


def test_the_create_body_carries_labels_1_to_12_edition_and_a_country_amd() -> None:
    c = Campaign(
        "c", D, DesiredState.STOPPED, description="d", skill_id="7",
        options={"opt0": "zero", "opt1": "one", "opt12": "twelve"},
        enable_edition=True, amd="COL",
    )  # fmt: skip
    params = create_params(c)
    assert params["campaign_name"] == "c" and params["campaign_description"] == "d"
    assert (params["opt1"], params["opt12"], params["opt5"]) == ("one", "twelve", "")
    assert "opt0" not in params  # set by an edit after the create
    assert params["enable_edition"] == "yes" and params["skill_id"] == "7"
    assert params["amd"] == "COL" and create_carries_amd(c)
    preview = Campaign("p", P, DesiredState.STOPPED, amd="COL")
    assert not create_carries_amd(preview) and "amd" not in create_params(preview)
    assert not create_carries_amd(Campaign("n", D, DesiredState.STOPPED, amd="none"))


def test_desired_value_is_none_for_what_the_manifest_leaves_out() -> None:
    c = Campaign("c", P, DesiredState.STOPPED, options={"opt3": "x"}, speed=40)
    assert desired_value(c, "options.opt3") == "x"
    assert desired_value(c, "options.opt4") is None
    assert desired_value(c, "speed") == 40
    assert desired_value(c, "description") is None and desired_value(c, "start_time") is None
