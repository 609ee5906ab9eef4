"""The live model: a fingerprint that moves when the campaign does, and its facts."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

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


def _digest_as_json_dumps(c: LiveCampaign) -> str:
    """The digest as it was first defined: sha256 of `json.dumps` of the facts."""
    facts: list[object] = [c.campaign_id, c.name, c.type.value, c.status.value, c.records,
                           c.description]  # fmt: skip
    if (c.speed, c.turbo_dial, c.skill_id) != (None, None, None):
        facts.append([c.speed, c.turbo_dial, c.skill_id])
    return hashlib.sha256(json.dumps(facts).encode()).hexdigest()[:16]


@given(
    campaign_id=st.text(), name=st.text(), description=st.text(),
    type=st.sampled_from(CampaignType), status=st.sampled_from(LiveStatus),
    records=st.integers(min_value=0, max_value=10**18),
    speed=st.none() | st.integers(min_value=0, max_value=10**6),
    turbo=st.none() | st.booleans(), skill=st.none() | st.text(),
)  # fmt: skip
def test_the_fingerprint_is_the_digest_of_the_facts_json(
    campaign_id: str, name: str, description: str, type: CampaignType, status: LiveStatus,
    records: int, speed: int | None, turbo: bool | None, skill: str | None,
) -> None:  # fmt: skip
    # the digest a saved plan holds must not move between versions: a plan saved by one
    # would read as stale to the next
    c = LiveCampaign(campaign_id, name, type, status, records, description, speed=speed,
                     turbo_dial=turbo, skill_id=skill)  # fmt: skip
    assert c.fingerprint() == _digest_as_json_dumps(c)
