"""The live model: a fingerprint that moves when the campaign does, and its facts."""

from __future__ import annotations

from dataclasses import replace

from reconciler.client.live import LiveCampaign
from reconciler.vocabulary import CampaignType, LiveStatus

A = LiveCampaign("7", "a", CampaignType.PREVIEW, LiveStatus.STARTED, 3, "d")


def test_the_fingerprint_changes_with_every_fact_a_plan_decides_on() -> None:
    changed = [
        replace(A, name="b"), replace(A, status=LiveStatus.STOPPED), replace(A, records=4),
        replace(A, description="e"), replace(A, type=CampaignType.PREDICTIVE),
        replace(A, speed=5),
    ]  # fmt: skip
    assert len({A.fingerprint(), *(c.fingerprint() for c in changed)}) == len(changed) + 1
    assert replace(A).fingerprint() == A.fingerprint()


def test_facts_name_what_the_list_showed() -> None:
    assert A.facts() == {"name": "a", "type": "preview", "status": "Started", "records": 3,
                         "description": "d"}  # fmt: skip
    assert replace(A, speed=5, skill_id="1001").facts()["speed"] == 5


def test_seen_is_the_facts_in_the_saved_plans_order() -> None:
    from reconciler.fields import SEEN

    for campaign in (A, replace(A, speed=5, turbo_dial=False, skill_id="1001")):
        facts = campaign.facts()
        assert campaign.seen() == [facts.get(name) for name in SEEN]
