"""A stored campaign as the list endpoint shows it."""

from __future__ import annotations

from reconciler.simulator.rows import CampaignRow
from reconciler.vocabulary import CampaignType, LiveStatus


def test_the_list_row_is_all_text_and_shows_skill_id_only_when_asked() -> None:
    row = CampaignRow(
        7, "a", "d", CampaignType.PREVIEW, LiveStatus.STARTED, "1", "auto", "", "0", "no",
        record_results=(("NO ANSWER", 3), ("BUSY", 2)), skill_id="1001",
    )  # fmt: skip
    listed = row.list_row()
    assert row.records == 5
    assert all(isinstance(v, str) for v in listed.values())
    assert listed["records"] == "5" and listed["campaign_id"] == "7" and "skill_id" not in listed
    assert listed["status"] == "Started" and listed["type_campaign"] == "preview"
    assert row.list_row(skill_id=True)["skill_id"] == "1001"
