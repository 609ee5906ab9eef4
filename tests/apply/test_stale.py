from __future__ import annotations

from reconciler.apply.stale import stale_reasons
from reconciler.client.live import LiveCampaign
from reconciler.plan.model import Fingerprint, Plan
from reconciler.vocabulary import CampaignType, LiveStatus

P = CampaignType.PREVIEW


def live(
    cid: str, name: str, status: LiveStatus = LiveStatus.STOPPED, records: int = 0
) -> LiveCampaign:
    return LiveCampaign(cid, name, P, status, records)


def plan_of(*campaigns: LiveCampaign, to_create: tuple[str, ...] = ()) -> Plan:
    fps = [Fingerprint(c.name, c.campaign_id, c.fingerprint()) for c in campaigns]
    fps += [Fingerprint(name, None, None) for name in to_create]
    return Plan((), fingerprints=tuple(fps))


def test_an_unchanged_live_state_is_not_stale_even_with_unrelated_campaigns() -> None:
    a = live("1", "a")
    assert stale_reasons(plan_of(a, to_create=("n",)), [a, live("9", "other")]) == []


def test_a_changed_status_or_record_count_is_named() -> None:
    plan = plan_of(live("1", "a"), live("2", "b"))
    reasons = stale_reasons(plan, [live("1", "a", LiveStatus.STARTED), live("2", "b", records=3)])
    assert len(reasons) == 2
    assert "a (id 1)" in reasons[0] and "Started" in reasons[0]
    assert "b (id 2)" in reasons[1] and "3 records" in reasons[1]


def test_a_vanished_campaign_is_named() -> None:
    assert "no longer" in stale_reasons(plan_of(live("1", "a")), [])[0]


def test_a_campaign_to_create_that_now_exists_is_named() -> None:
    reasons = stale_reasons(plan_of(to_create=("n",)), [live("5", "n")])
    assert reasons == ["n: did not exist when planned, now exists live (id 5)"]
